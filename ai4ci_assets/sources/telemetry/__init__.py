"""The telemetry source."""
