"""The base of every model of the project (API bodies, AI results, session state).

pydantic builds a model's validator and serializer when its class is defined, a millisecond or
more per model; a function's import defines every model of the modules it reaches (the recruiter
function well over a hundred), while a request uses a few. With `defer_build` a model is built the
first time it validates or serializes (or the OpenAPI document is generated), so a cold start pays
only for the models its first requests use (bench/cold_start.py; docs/decisions.md)."""

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    model_config = ConfigDict(defer_build=True)
