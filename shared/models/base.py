"""The base of every model of the project (API bodies, AI results, session state).

pydantic builds a model's validator and serializer when its class is defined, a millisecond or
more per model; a function's import defines every model of the modules it reaches (the recruiter
function well over a hundred), while a request uses a few. With `defer_build` a model is built the
first time it validates or serializes (or the OpenAPI document is generated), so a cold start pays
only for the models its first requests use (bench/cold_start.py; docs/decisions.md).

Modules defining models do not postpone annotations (`from __future__ import annotations`): pydantic
would then evaluate every field's annotation from its string when the class is defined, which made
defining a model about half again as slow (20-45 ms of a function's import); a model's validators
return `Self` instead of naming their class."""

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    model_config = ConfigDict(defer_build=True)
