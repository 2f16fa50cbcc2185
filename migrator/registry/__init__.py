"""Talking to image registries: the OCI distribution API on httpx (`client`), docker's credentials
(`credentials`), challenges (`challenge`), manifests and platforms (`manifests`), cached answers
(`lookup`), and the registry step of a migration: `--pin` and `--verify-tags` (`resolve`).

Imported only when a registry is needed: a plain `migrate FILE` never loads this package or httpx.
"""
