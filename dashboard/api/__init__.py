"""The write API for ministries' own systems (/api/v1): Bearer tokens per account, the same
rules and scope as the forms (loaders.entries) and the uploads (loaders.account_loads)."""
