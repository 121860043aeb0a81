"""The lake: object store (directory or S3/Ceph), raw payload keys, Iceberg tables."""
