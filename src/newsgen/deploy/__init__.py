"""``newsgen deploy``: the built output to S3-compatible object storage, only what changed.

| module | one job |
|---|---|
| `settings` | newsgen.yaml's ``deploy:`` block and the command line's overrides → a `Target` |
| `headers` | Content-Type, Content-Encoding and Cache-Control of an output file |
| `local` | the output folder: every file with its size, SHA-256 and headers |
| `changes` | the build's change manifest, whose hashes spare reading the whole output |
| `manifest` | the records a deploy keeps in the bucket: the manifest and the pending list |
| `plan` | what to upload in which order, what to delete, what to remember, what to purge (pure) |
| `credentials` | where the credentials come from (environment, ~/.aws profile, web identity) |
| `store` | the bucket through obstore: read, list, upload many at once, delete |
| `failures` | the exceptions and exit codes; a store's error as one line without secrets |
| `purge` | the purge hook: a command run without a shell, the URLs on its stdin |
| `publish` | one deploy, start to end |
"""
from newsgen.deploy.publish import DEFAULT_JOBS, DeployOptions, DeployResult, deploy

__all__ = ["DEFAULT_JOBS", "DeployOptions", "DeployResult", "deploy"]
