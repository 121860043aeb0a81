"""The testgrid source."""
