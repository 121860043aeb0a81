"""A simulated CI world, served over HTTP at the five real APIs' paths, with planted truth."""
