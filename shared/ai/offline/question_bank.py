"""Interview questions per role and phase, each with the topic it probes and the key terms a good
answer uses (the offline evaluator scores answers against them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BankQuestion:
    id: str
    topic: str
    text: str
    key_terms: tuple[str, ...]
    difficulty: int


def _q(role: str, phase: str, number: int, topic: str, difficulty: int, text: str, terms: str) -> BankQuestion:
    return BankQuestion(f"{role}.{phase}.{number}", topic, text, tuple(t.strip() for t in terms.split(",")), difficulty)


BANK: dict[str, dict[str, list[BankQuestion]]] = {
    "python": {
        "warmup": [
            _q(
                "python",
                "warmup",
                1,
                "python basics",
                1,
                "What is the difference between a list and a tuple in Python, and when would you use each?",
                "mutable, immutable, hashable, dictionary key, performance",
            ),
            _q(
                "python",
                "warmup",
                2,
                "python basics",
                1,
                "How do you handle exceptions in Python? Describe try, except, else and finally.",
                "try, except, finally, else, raise, exception",
            ),
            _q(
                "python",
                "warmup",
                3,
                "python tooling",
                1,
                "How do you manage dependencies and virtual environments for a Python project?",
                "venv, pip, requirements, lock, poetry, isolation",
            ),
            _q(
                "python",
                "warmup",
                4,
                "python basics",
                2,
                "What are list comprehensions and when do they make code clearer?",
                "comprehension, iterable, filter, generator, readability",
            ),
        ],
        "standard": [
            _q(
                "python",
                "standard",
                1,
                "generators",
                2,
                "Explain generators and the yield keyword. Why would you use one over a list?",
                "yield, lazy, memory, iterator, next, stopiteration",
            ),
            _q(
                "python",
                "standard",
                2,
                "decorators",
                3,
                "How do decorators work in Python? Write or describe a decorator that times a function.",
                "wrapper, functools.wraps, closure, higher-order, args, kwargs",
            ),
            _q(
                "python",
                "standard",
                3,
                "data structures",
                2,
                "How is a Python dict implemented and what is the complexity of lookups?",
                "hash table, hash, o(1), collision, keys, amortized",
            ),
            _q(
                "python",
                "standard",
                4,
                "oop",
                3,
                "Explain the difference between @classmethod, @staticmethod and instance methods.",
                "cls, self, instance, class, factory, inheritance",
            ),
            _q(
                "python",
                "standard",
                5,
                "context managers",
                3,
                "What is a context manager and how would you write one?",
                "with, __enter__, __exit__, contextlib, cleanup, resource",
            ),
            _q(
                "python",
                "standard",
                6,
                "testing",
                2,
                "How do you structure unit tests in Python and mock external dependencies?",
                "pytest, fixture, mock, patch, assert, isolation",
            ),
            _q(
                "python",
                "standard",
                7,
                "databases",
                3,
                "How do you prevent SQL injection and manage transactions from Python code?",
                "parameterized, placeholder, transaction, commit, rollback, orm",
            ),
            _q(
                "python",
                "standard",
                8,
                "web apis",
                3,
                "How would you design a REST endpoint in FastAPI or Django with validation and error handling?",
                "pydantic, serializer, status code, validation, dependency, middleware",
            ),
            _q(
                "python",
                "standard",
                9,
                "typing",
                2,
                "How do type hints help in Python and how do you check them?",
                "mypy, typing, annotations, optional, generic, protocol",
            ),
        ],
        "advanced": [
            _q(
                "python",
                "advanced",
                1,
                "concurrency",
                4,
                "Explain the GIL and how you would choose between threads, processes and asyncio.",
                "gil, threading, multiprocessing, asyncio, cpu-bound, i/o-bound, event loop",
            ),
            _q(
                "python",
                "advanced",
                2,
                "async",
                4,
                "How does asyncio schedule coroutines, and what happens if you call blocking code inside one?",
                "event loop, await, coroutine, blocking, run_in_executor, task",
            ),
            _q(
                "python",
                "advanced",
                3,
                "memory",
                5,
                "How does Python manage memory, and how would you find a memory leak in a long-running service?",
                "reference counting, garbage collector, cycles, tracemalloc, weakref, profiling",
            ),
            _q(
                "python",
                "advanced",
                4,
                "performance",
                4,
                "A Python API endpoint is slow under load. Walk through how you would profile and fix it.",
                "profiling, cprofile, n+1, caching, index, async, latency",
            ),
            _q(
                "python",
                "advanced",
                5,
                "metaprogramming",
                5,
                "What are metaclasses or descriptors, and when are they justified?",
                "metaclass, descriptor, __get__, __set_name__, type, orm",
            ),
            _q(
                "python",
                "advanced",
                6,
                "distributed systems",
                5,
                "How would you make a background job system in Python reliable under retries and crashes?",
                "idempotent, retry, backoff, queue, at-least-once, lease, dead letter",
            ),
        ],
    },
    "javascript": {
        "warmup": [
            _q(
                "javascript",
                "warmup",
                1,
                "javascript basics",
                1,
                "What is the difference between let, const and var?",
                "block scope, function scope, hoisting, reassign, temporal dead zone",
            ),
            _q(
                "javascript",
                "warmup",
                2,
                "javascript basics",
                1,
                "What is the difference between == and ===?",
                "strict equality, type coercion, loose equality, type",
            ),
            _q(
                "javascript",
                "warmup",
                3,
                "javascript basics",
                1,
                "What are arrow functions and how do they differ from regular functions?",
                "this, lexical, arguments, constructor, concise",
            ),
            _q(
                "javascript",
                "warmup",
                4,
                "tooling",
                2,
                "How do you manage packages and builds in a JavaScript project?",
                "npm, package.json, lockfile, bundler, vite, webpack",
            ),
        ],
        "standard": [
            _q(
                "javascript",
                "standard",
                1,
                "closures",
                2,
                "Explain closures with an example of where you used one.",
                "closure, scope, lexical, function, private, state",
            ),
            _q(
                "javascript",
                "standard",
                2,
                "async",
                3,
                "Explain promises and async/await, and how you handle errors with them.",
                "promise, async, await, then, catch, try, reject",
            ),
            _q(
                "javascript",
                "standard",
                3,
                "event loop",
                3,
                "How does the JavaScript event loop work? What are microtasks and macrotasks?",
                "event loop, call stack, microtask, macrotask, queue, settimeout, promise",
            ),
            _q(
                "javascript",
                "standard",
                4,
                "this",
                3,
                "How is `this` determined in JavaScript? Describe call, apply and bind.",
                "this, call, apply, bind, context, arrow",
            ),
            _q(
                "javascript",
                "standard",
                5,
                "prototypes",
                3,
                "How does prototypal inheritance work, and how do classes relate to it?",
                "prototype, __proto__, class, extends, inheritance, chain",
            ),
            _q(
                "javascript",
                "standard",
                6,
                "dom",
                2,
                "What is event delegation and why is it useful?",
                "bubbling, delegation, target, listener, performance",
            ),
            _q(
                "javascript",
                "standard",
                7,
                "modules",
                2,
                "Compare ES modules and CommonJS.",
                "import, export, require, module.exports, static, tree shaking",
            ),
            _q(
                "javascript",
                "standard",
                8,
                "testing",
                2,
                "How do you test asynchronous JavaScript code?",
                "jest, vitest, mock, async, await, fake timers",
            ),
            _q(
                "javascript",
                "standard",
                9,
                "node",
                3,
                "How does Node.js handle many concurrent connections with one thread?",
                "non-blocking, event loop, libuv, i/o, callback, thread pool",
            ),
        ],
        "advanced": [
            _q(
                "javascript",
                "advanced",
                1,
                "performance",
                4,
                "How would you find and fix a memory leak in a long-running Node.js service?",
                "heap snapshot, closure, listener, garbage collection, profiler, retained",
            ),
            _q(
                "javascript",
                "advanced",
                2,
                "concurrency",
                4,
                "How would you limit concurrency when calling an API for 10,000 items in Node.js?",
                "promise.all, pool, semaphore, batch, backpressure, rate limit",
            ),
            _q(
                "javascript",
                "advanced",
                3,
                "security",
                4,
                "How do you prevent XSS and CSRF in a JavaScript web application?",
                "escape, sanitize, content security policy, csrf token, samesite, httponly",
            ),
            _q(
                "javascript",
                "advanced",
                4,
                "engines",
                5,
                "How do JavaScript engines optimise code, and what deoptimises it?",
                "jit, hidden class, inline cache, deoptimization, v8, monomorphic",
            ),
            _q(
                "javascript",
                "advanced",
                5,
                "streams",
                5,
                "Explain Node.js streams and backpressure.",
                "readable, writable, pipe, backpressure, highwatermark, transform",
            ),
            _q(
                "javascript",
                "advanced",
                6,
                "architecture",
                5,
                "How would you structure a large TypeScript codebase for many teams?",
                "monorepo, modules, types, boundaries, interfaces, ownership",
            ),
        ],
    },
    "react": {
        "warmup": [
            _q(
                "react",
                "warmup",
                1,
                "react basics",
                1,
                "What are props and state in React, and how do they differ?",
                "props, state, immutable, re-render, parent, component",
            ),
            _q(
                "react",
                "warmup",
                2,
                "react basics",
                1,
                "What is JSX and how does it become JavaScript?",
                "jsx, createelement, babel, transpile, element",
            ),
            _q(
                "react",
                "warmup",
                3,
                "react basics",
                1,
                "Why does React need keys when rendering lists?",
                "key, reconciliation, identity, list, re-render, index",
            ),
            _q(
                "react",
                "warmup",
                4,
                "react basics",
                2,
                "What is the difference between controlled and uncontrolled components?",
                "controlled, uncontrolled, value, onchange, ref, form",
            ),
        ],
        "standard": [
            _q(
                "react",
                "standard",
                1,
                "hooks",
                2,
                "Explain useEffect: when it runs, the dependency array and cleanup.",
                "useeffect, dependency array, cleanup, render, side effect, unmount",
            ),
            _q(
                "react",
                "standard",
                2,
                "hooks",
                3,
                "When would you use useMemo and useCallback, and when are they unnecessary?",
                "usememo, usecallback, memoization, referential equality, re-render, dependencies",
            ),
            _q(
                "react",
                "standard",
                3,
                "state management",
                3,
                "How do you decide between local state, context and a state library like Redux?",
                "context, redux, prop drilling, global state, re-render, zustand",
            ),
            _q(
                "react",
                "standard",
                4,
                "rendering",
                3,
                "How does React's reconciliation and the virtual DOM work?",
                "virtual dom, reconciliation, diffing, fiber, commit, key",
            ),
            _q(
                "react",
                "standard",
                5,
                "data fetching",
                2,
                "How do you fetch data in React and handle loading and error states?",
                "fetch, useeffect, loading, error, react query, suspense, abort",
            ),
            _q(
                "react",
                "standard",
                6,
                "forms",
                2,
                "How would you build and validate a complex form in React?",
                "controlled, validation, react hook form, schema, error, submit",
            ),
            _q(
                "react",
                "standard",
                7,
                "testing",
                2,
                "How do you test React components?",
                "react testing library, jest, render, screen, user event, mock",
            ),
            _q(
                "react",
                "standard",
                8,
                "hooks",
                3,
                "How would you write a custom hook, and what rules of hooks must it follow?",
                "custom hook, rules of hooks, top level, use prefix, reuse, state",
            ),
            _q(
                "react",
                "standard",
                9,
                "typescript",
                2,
                "How do you type props and events in React with TypeScript?",
                "interface, props, generics, event, typescript, type",
            ),
        ],
        "advanced": [
            _q(
                "react",
                "advanced",
                1,
                "performance",
                4,
                "A React page re-renders too often and feels slow. How do you diagnose and fix it?",
                "profiler, react.memo, usememo, virtualization, re-render, context split",
            ),
            _q(
                "react",
                "advanced",
                2,
                "concurrent rendering",
                5,
                "Explain concurrent rendering, transitions and Suspense.",
                "concurrent, usetransition, suspense, priority, interruptible, fallback",
            ),
            _q(
                "react",
                "advanced",
                3,
                "server rendering",
                4,
                "What are server-side rendering, hydration and React Server Components?",
                "ssr, hydration, server components, streaming, next.js, client boundary",
            ),
            _q(
                "react",
                "advanced",
                4,
                "architecture",
                5,
                "How would you structure state and data fetching in a large React application?",
                "server state, client state, cache, react query, normalization, boundaries",
            ),
            _q(
                "react",
                "advanced",
                5,
                "internals",
                5,
                "How does React Fiber schedule work?",
                "fiber, work loop, lanes, priority, reconciliation, commit phase",
            ),
            _q(
                "react",
                "advanced",
                6,
                "accessibility",
                4,
                "How do you make a complex React widget accessible?",
                "aria, focus management, keyboard, screen reader, semantic, role",
            ),
        ],
    },
}


def _fullstack() -> dict[str, list[BankQuestion]]:
    """Fullstack interviews draw alternately on the React and Python banks, plus system design."""
    design = [
        _q(
            "fullstack",
            "advanced",
            1,
            "system design",
            5,
            "Design a resume upload and parsing pipeline that scales to thousands of uploads a day.",
            "queue, storage, worker, idempotent, retry, status, signed url",
        ),
        _q(
            "fullstack",
            "advanced",
            2,
            "system design",
            5,
            "How would you design authentication between a React app and a Python API?",
            "jwt, refresh token, httponly cookie, cors, session, expiry",
        ),
    ]
    result = {}
    for phase in ("warmup", "standard", "advanced"):
        mixed = [q for pair in zip(BANK["react"][phase], BANK["python"][phase], strict=False) for q in pair]
        result[phase] = (design + mixed) if phase == "advanced" else mixed
    return result


BANK["fullstack"] = _fullstack()

FOLLOW_UPS = (
    "Can you make that concrete: describe a real situation where you applied {topic}, what you did and what happened?",
    "What trade-offs or pitfalls of {topic} have you run into, and how did you handle them?",
)


def questions(role: str, phase: str) -> list[BankQuestion]:
    return BANK[role][phase]


def find(question_id: str) -> BankQuestion | None:
    role, phase, _ = (question_id.split(".") + ["", "", ""])[:3]
    for question in BANK.get(role, {}).get(phase, []):
        if question.id == question_id:
            return question
    for role_bank in BANK.values():
        for bank_questions in role_bank.values():
            for question in bank_questions:
                if question.id == question_id:
                    return question
    return None


def vocabulary() -> set[str]:
    """Every key term of the bank, for evaluation and the speech recogniser's vocabulary."""
    return {term for role in BANK.values() for phase in role.values() for q in phase for term in q.key_terms}
