"""One module per Lambda function (serverless.yml). Importing any of them pauses garbage collection
until the module is imported (shared/cold_start.py)."""

from shared import cold_start

cold_start.importing()
