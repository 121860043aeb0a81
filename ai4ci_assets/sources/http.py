"""HTTP for source clients: one session with retries, JSON with a clear error when it fails.

Transient failures are retried with backoff (429 honouring Retry-After, 5xx, dropped
connections, cut or garbled JSON); what still fails is an `Ai4ciError` naming the URL.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ai4ci_assets import __version__
from ai4ci_assets.errors import Ai4ciError

RETRY_STATUSES = (429, 500, 502, 503, 504)


@dataclass(frozen=True)
class Fetched:
    url: str
    body: bytes  # exactly as received: this is what the raw layer stores
    payload: object


def session(retries: int = 5, backoff_s: float = 0.2) -> requests.Session:
    s = requests.Session()
    retry = Retry(
        total=retries,
        backoff_factor=backoff_s,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=("GET",),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    s.mount("http://", HTTPAdapter(max_retries=retry))
    s.mount("https://", HTTPAdapter(max_retries=retry))
    s.headers["User-Agent"] = f"ai4ci/{__version__}"
    return s


def get_json(
    http: requests.Session,
    url: str,
    params: dict | None = None,
    timeout_s: float = 30,
    attempts: int = 4,
) -> Fetched:
    """GET a JSON document, retrying answers whose body is cut short or is not JSON."""
    problem = ""
    for attempt in range(attempts):
        try:
            response = http.get(url, params=params, timeout=timeout_s)
        except requests.ConnectionError as exc:
            raise Ai4ciError(
                f"{url} is unreachable: {type(exc).__name__}",
                hint="is the source (or `ai4ci sim serve`) running?",
            ) from None
        except requests.Timeout:
            problem = f"no answer within {timeout_s:.0f} s"
        except requests.exceptions.ChunkedEncodingError:
            problem = "the connection closed mid-body"
        else:
            if response.status_code != 200:
                raise Ai4ciError(
                    f"{response.url} answered HTTP {response.status_code}: {response.text[:200]}"
                )
            try:
                return Fetched(response.url, response.content, json.loads(response.content))
            except json.JSONDecodeError as exc:
                problem = f"the body is not JSON ({exc.msg} at byte {exc.pos})"
        time.sleep(0.2 * 2**attempt)
    raise Ai4ciError(f"{url}: {problem}, {attempts} times in a row")
