"""One package per CI data source: its wire schema, HTTP client and assets."""
