"""What a good answer to each bank question says: a concept map per question. Each concept has a
name (shown to recruiters) and the ways candidates say it, matched on word stems in order with
small gaps (`shared.ai.offline.stemming`), so "hashable", "can be hashed" and "hashing" meet.

Written as `name = phrase | phrase; name = ...`. A phrase ending a word with `*` matches any word
starting so; a phrase with symbols (`===`, `o(1)`) is matched as written. Concepts prefixed with
`!` are misconceptions: stating them costs points. Tuned on the development answers of
tests/data/answers only; the held-out answers were never used to shape these maps."""

from __future__ import annotations

CONCEPTS: dict[str, str] = {
    # -- python ------------------------------------------------------------------------------------
    "python.warmup.1": (
        "mutability = mutable | can change | can be changed | can modify | can be modified | modif* | append | change in place;"
        "immutability = immutable | can't change | cannot change | can't be changed | cannot be changed | not change | read only | fixed | stay fixed;"
        "hashable = hashable | hash | hashed | unhashable;"
        "dictionary keys = dict key | dictionary key | keys in a dict | as a key | as keys | set member | put it in a set | in a set;"
        "when to use each = use a list | use a tuple | use lists | use tuples | i use | reach for | record | coordinates | return two values | returning;"
        "performance = faster | memory | smaller | performance | lighter;"
        "!wrong mutability = tuples are mutable | lists are immutable | tuple can be changed | lists are not mutable | basically the same thing"
    ),
    "python.warmup.2": (
        "try block = try;"
        "specific except = except valueerror | except keyerror | specific exception | specific error | except clause | catch specific | except * as | error types | bare except;"
        "else = else;"
        "finally cleanup = finally | cleanup | clean up | close the file | closing | release;"
        "raise and chaining = raise | re-raise | reraise | raise from | chained | from exc | propagate;"
        "logging = log"
    ),
    "python.warmup.3": (
        "virtual environment = venv | virtualenv | virtual env | virtual environment | pipenv | conda | isolated environment;"
        "isolation = isolat* | separate | own environment | system python | globally | system interpreter;"
        "pinning and lock files = lock | lockfile | pin | pinned | exact version | freeze | hashes;"
        "dependency files = requirements | pyproject | pipfile;"
        "tools = pip | poetry | uv | pip-tools | pip tools;"
        "reproducible installs = ci | reproducib* | same versions | identical | docker;"
        "dev dependencies = dev dependencies | dev group | test dependencies | dev tools;"
        "!global installs = install globally | pip install globally | reinstall python"
    ),
    "python.warmup.4": (
        "comprehension syntax = for x in | for u in | in brackets | one expression | one line | [x;"
        "iterable = iterable | from a list | any iterable;"
        "filter = filter | if at the end | condition | if u | if not;"
        "transform and map = map | transform | transformation;"
        "readability = readab* | clearer | clear | easier to read | intent | nested | complicated;"
        "generator expressions = generator | lazy | parentheses | memory;"
        "set and dict comprehensions = dict comprehension | set comprehension | {"
    ),
    "python.standard.1": (
        "yield = yield;"
        "lazy evaluation = lazy | lazily | on demand | one at a time | one by one | one value at a time;"
        "memory = memory | don't keep everything | don't load | constant | flat;"
        "iterator protocol = iterator | next | __next__ | for loop | loop over;"
        "stopiteration = stopiteration | stop iteration;"
        "paused state = pause | paus* | remember* | resume* | where it stopped | local state | suspend*;"
        "real use = csv | file | database cursor | rows | api | page | stream* | infinite;"
        "!wrong = async functions | generate code"
    ),
    "python.standard.2": (
        "higher-order function = higher-order | higher order | takes a function | takes another function | returns a function | returns a new function | function that takes;"
        "wrapper = wrapper | wraps the function | wrap | inner function;"
        "functools.wraps = functools.wraps | @wraps | functools wraps | wraps(;"
        "closure = closure | closes over;"
        "args and kwargs = *args | **kwargs | args | kwargs | any signature;"
        "@ syntax = f = timed(f) | rebind* | the @ | @ syntax | @name | put @ | @timed;"
        "timing = perf_counter | time.time | elapsed | duration | how long | difference;"
        "!wrong = decorators are for making | design pattern | built in"
    ),
    "python.standard.3": (
        "hash table = hash table | hash map | hashmap | hashing | hash;"
        "constant-time lookup = o(1) | constant time | constant;"
        "collisions = collision | collide | probing | probe | open addressing;"
        "resizing and amortized cost = amortized | amortised | resize | resized | grows;"
        "worst case = worst case | o(n) | linear | degrade*;"
        "hashable keys = hashable | __hash__ | lists can't be keys | mutable | stable hash;"
        "insertion order = insertion order | ordered | 3.7;"
        "!wrong = list of pairs | sorted by the keys | log n | tree"
    ),
    "python.standard.4": (
        "instance methods and self = self | the instance | object's state | object's data;"
        "classmethod and cls = cls | the class itself | class as | about the class | access to the class;"
        "alternative constructors = factory | alternative constructor | alternate constructor | from_dict | from_string | build instances;"
        "inheritance = inherit* | subclass;"
        "staticmethod = staticmethod | static method | neither | no implicit | no access | don't get anything | plain function | normal function | utility | helper;"
        "!wrong = static methods are faster | can't be overridden | same as a normal method"
    ),
    "python.standard.5": (
        "with statement = with statement | with block | with keyword | with open | the with;"
        "__enter__ = __enter__ | enter;"
        "__exit__ = __exit__ | exit;"
        "contextlib = contextlib | contextmanager | @contextmanager | exitstack;"
        "cleanup of resources = cleanup | clean up | tear down | teardown | release* | close* | resource | lock;"
        "exceptions = exception | even if | error | suppress | raised;"
        "generator-based = yield | generator;"
        "!wrong = manages the context of the app | manages models | global config"
    ),
    "python.standard.6": (
        "pytest = pytest | unittest;"
        "fixtures = fixture | conftest | setup;"
        "mocking = mock | magicmock | fake | stub | monkeypatch;"
        "patch = patch;"
        "assertions = assert;"
        "isolation = isolat* | inject* | doesn't call the real | fast;"
        "structure = mirror* | tests folder | test file | one behaviour | arrange | parametrize | per module;"
        "integration tests = integration;"
        "!no tests = test manually | don't really write | qa who test | print the results"
    ),
    "python.standard.7": (
        "parameterized queries = parameterized | parametrized | parameterised | bound parameters | bind parameters | query parameters | parameters;"
        "placeholders = placeholder | %s | ? | :name;"
        "no string building = f-string | concatenat* | user input directly | never build | data, not code | not code;"
        "orm = orm | sqlalchemy | django;"
        "transactions = transaction | atomic;"
        "commit = commit;"
        "rollback = rollback | roll back | rolls back;"
        "!wrong = removing quotes | escape quotes myself | firewall"
    ),
    "python.standard.8": (
        "pydantic or serializers = pydantic | serializer | model for the request | schema;"
        "validation = validat*;"
        "status codes = status code | 422 | 400 | 404 | 409 | 201 | httpexception;"
        "dependencies = depends | dependency | dependencies;"
        "exception handling = exception handler | custom exception | domain error | raise;"
        "error format = envelope | error format | consistent | field errors;"
        "middleware and auth = middleware | authentication | permission;"
        "!wrong = returning 500 | return whatever"
    ),
    "python.standard.9": (
        "mypy and checkers = mypy | pyright | type checker | checker | static;"
        "typing module = typing | optional | none | union;"
        "annotations = annotation | def f(x: int) | -> str | hint;"
        "generics = generic | typevar | list[int];"
        "protocols = protocol | structural;"
        "catch bugs early = bug | before runtime | mistake | catch | warn;"
        "not enforced at runtime = runtime | doesn't enforce | ignores | not enforced | pydantic;"
        "!wrong = run faster | aren't needed"
    ),
    "python.advanced.1": (
        "the gil = gil | global interpreter lock;"
        "one thread at a time = one thread | only one | at a time | don't really run at the same time | not in parallel | parallel;"
        "threads for i/o = i/o-bound | i/o bound | io bound | i/o | network | waiting | blocking;"
        "processes for cpu = multiprocessing | processpoolexecutor | processes | process;"
        "cpu-bound work = cpu-bound | cpu bound | computation | cpu | computing | number crunching | cores;"
        "asyncio and the event loop = asyncio | event loop | async;"
        "gil released on i/o = released | release the lock | releases;"
        "!wrong = global interpreter library | gil was removed | always use threads"
    ),
    "python.advanced.2": (
        "event loop = event loop | the loop;"
        "await yields control = await | yield* control | give up control | gives up | suspend*;"
        "coroutines and tasks = coroutine | task | create_task | gather;"
        "cooperative = cooperative | nothing preempts | single thread | single-threaded | one thread;"
        "blocking code stalls the loop = block* | freeze* | stall* | wait;"
        "offloading = run_in_executor | to_thread | executor | thread pool | thread;"
        "i/o readiness = ready | selectors | socket | i/o;"
        "!wrong = new thread for each coroutine | blocking code is fine"
    ),
    "python.advanced.3": (
        "reference counting = reference counting | reference count | refcount | counts references;"
        "garbage collector = garbage collector | gc | garbage collection | generational;"
        "cycles = cycle | cyclic | reference each other;"
        "tracemalloc = tracemalloc | memray | memory_profiler | memory profiler | profiler;"
        "snapshots and diffing = snapshot | compare | diff | growing | grow*;"
        "weak references = weakref | weak reference;"
        "common leak causes = cache | global | listener | unbounded | still referenced | kept alive;"
        "objgraph and referrers = objgraph | get_referrers | refers to;"
        "!wrong = doesn't have memory leaks | nothing to do | just restart"
    ),
    "python.advanced.4": (
        "measure first = measure | metrics | apm | trac* | p95 | latency | data | logs;"
        "profiling = profil* | cprofile | py-spy | py spy;"
        "load testing = load test | locust | under load | reproduce;"
        "n+1 queries = n+1 | select_related | prefetch | join;"
        "indexes = index | explain;"
        "caching = cach* | redis;"
        "slow external calls = external call | timeout | async | queue | background;"
        "verify = compare | again | re-run;"
        "!wrong = more servers | bigger instance | rewrite it"
    ),
    "python.advanced.5": (
        "metaclasses = metaclass;"
        "type is the default = type | class of a class;"
        "class creation = class creation | create classes | construct* | creat* | register*;"
        "descriptors = descriptor;"
        "__get__ and __set__ = __get__ | __set__ | get and set | attribute access;"
        "property = property;"
        "__set_name__ = __set_name__;"
        "orm use = orm | django | sqlalchemy | model;"
        "simpler alternatives = __init_subclass__ | decorator | avoid | simpler | library code | framework | complex;"
        "!wrong = abstract classes | meta tags"
    ),
    "python.advanced.6": (
        "idempotency = idempot* | run twice | twice | run more than once | natural key | unique key | upsert;"
        "retries with backoff = backoff | exponential | jitter;"
        "retry limit = retr* | max attempt | max number | limit;"
        "durable queue = queue | broker | celery | rabbitmq | table | skip locked;"
        "at-least-once = at-least-once | at least once;"
        "leases and visibility = lease | visibility timeout | crash* | acknowledge | ack;"
        "dead letter = dead letter | dead-letter;"
        "monitoring = monitor | alert | log;"
        "!wrong = never crashes | cron job | user can click again"
    ),
    # -- javascript --------------------------------------------------------------------------------
    "javascript.warmup.1": (
        "block scope = block scope | block scoped | block | curly braces | scope;"
        "function scope = function scope | function scoped | whole function;"
        "hoisting = hoist*;"
        "temporal dead zone = temporal dead zone | tdz | dead zone | referenceerror | before the declaration;"
        "reassignment = reassign* | can't be changed | can't change | don't change;"
        "const objects can mutate = mutat* | push* | object it points to | still be;"
        "!wrong = all the same | let is for loops | const is for functions"
    ),
    "javascript.warmup.2": (
        "type coercion = coercion | coerc* | convert* | conversion | common type;"
        "strict equality = strict | === | triple;"
        "loose equality = loose | == | double equals;"
        "type compared = type | types;"
        'examples = 0 == | "5" == 5 | == null | null == undefined | [] == false | "1" == 1;'
        "!wrong = no real difference | comparing objects | newer syntax"
    ),
    "javascript.warmup.3": (
        "lexical this = lexical* | own this | take it from outside | from the parent | surrounding | enclosing | this;"
        "no arguments object = arguments | rest param*;"
        "not constructors = constructor | new | prototype;"
        "concise syntax = concise | shorter | implicit return | =>;"
        "callbacks = callback | bind;"
        "!wrong = faster | only for react"
    ),
    "javascript.warmup.4": (
        "package managers = npm | pnpm | yarn;"
        "package.json = package.json | dependencies | devdependencies;"
        "lockfile = lockfile | lock file | package-lock | pnpm-lock | npm ci | frozen;"
        "bundlers = bundler | bundle | webpack | vite | rollup | esbuild;"
        "scripts = script;"
        "build steps = transpil* | typescript | minif* | code splitting | build;"
        "!wrong = script tags | cdn link"
    ),
    "javascript.standard.1": (
        "closure = closure | closes over | close over;"
        "lexical scope = lexical | scope | where it was created | where it's defined;"
        "outer variables survive = outer function | after the outer | returned | remembers;"
        "private state = private | encapsulat* | counter;"
        "real example = debounce | tracker | counter | factory | memoiz* | hook;"
        "pitfalls = var in a loop | stale closure | pitfall;"
        "!wrong = return keyword | closing the browser"
    ),
    "javascript.standard.2": (
        "promise states = pending | fulfilled | resolv* | reject*;"
        "then and catch = then | catch;"
        "async/await = async | await;"
        "try/catch = try/catch | try catch | try;"
        "promise.all = promise.all | allsettled | all | concurrent*;"
        "finally = finally;"
        "unhandled rejections = unhandled | forget* | forgetting;"
        "!wrong = another thread | settimeout to wait"
    ),
    "javascript.standard.3": (
        "call stack = call stack | stack;"
        "event loop = event loop;"
        "microtasks = microtask | promise callback | promise reaction | queuemicrotask;"
        "macrotasks = macrotask | task queue | settimeout | timer | i/o;"
        "ordering = before | first | drain* | empties | after each;"
        "rendering = render*;"
        "blocking = block* | starve | long synchronous;"
        "!wrong = in parallel | listens to click"
    ),
    "javascript.standard.4": (
        "call-site rule = how the function is called | how you call | call time | called as | as a method;"
        "default binding = strict mode | undefined | global | window;"
        "new binding = with new | new;"
        "arrow functions = arrow;"
        "call = call;"
        "apply with an array = apply | array;"
        "bind returns a function = bind | new function | copy of the function | fixed;"
        "!wrong = always the current class | calling apis"
    ),
    "javascript.standard.5": (
        "prototype link = prototype | __proto__ | getprototypeof;"
        "prototype chain = chain | walks up | lookup | delegat*;"
        "object.create = object.create;"
        "constructor functions = constructor | new;"
        "classes are sugar = sugar | syntax | class | extends;"
        "super = super;"
        "!wrong = prototypes were removed | copy all the methods | like java does"
    ),
    "javascript.standard.6": (
        "bubbling = bubbl* | propagat*;"
        "one listener on the parent = parent | container | one listener | single handler | ancestor;"
        "event.target = target | closest;"
        "performance = performance | memory | fewer listeners | less listeners | instead of hundreds | saves;"
        "dynamic children = dynamic* | added later | new children;"
        "!wrong = another component | different developers | redux"
    ),
    "javascript.standard.7": (
        "commonjs = commonjs | require | module.exports;"
        "es modules = es module | esm | import | export;"
        "static analysis = static* | before the code runs | before execution | parsed;"
        "tree shaking = tree shak*;"
        "sync vs async loading = synchronous* | asynchronous* | async | sync;"
        "top-level await = top-level await | top level await;"
        "node interop = type: module | .mjs | interop | dynamic import | mixing;"
        "!wrong = for the frontend | libraries you can install"
    ),
    "javascript.standard.8": (
        "test runners = jest | vitest | mocha;"
        "async tests = async | await | return the promise | done callback;"
        "rejections = rejects | reject*;"
        "mocks = mock | jest.fn | vi.fn | msw | spy;"
        "fake timers = fake timer | usefaketimers | advancetimers* | timers;"
        "forgotten await = forget* | before the assertion | finishes before;"
        "!wrong = settimeout in the test | only test the synchronous"
    ),
    "javascript.standard.9": (
        "non-blocking i/o = non-blocking | nonblocking | asynchronous i/o | never blocks | doesn't wait;"
        "event loop = event loop;"
        "libuv = libuv;"
        "os mechanisms = epoll | kqueue | kernel | os;"
        "thread pool = thread pool | worker thread;"
        "callbacks = callback;"
        "cpu work blocks = cpu | heavy;"
        "!wrong = new thread for every | cluster of threads"
    ),
    "javascript.advanced.1": (
        "confirm with metrics = metric* | heapused | monitor | watch the memory | climbing | growing;"
        "heap snapshots = heap snapshot | snapshot | heapdump;"
        "compare and retainers = compar* | retain* | retainer;"
        "devtools and inspect = --inspect | inspect* | devtools | chrome;"
        "listener leaks = listener | emitter;"
        "closures = closure;"
        "unbounded caches = cache | map | lru | weakmap;"
        "verify = soak | flat* | clinic | confirm;"
        "!wrong = max-old-space-size | restart the service | memory leaks happen in c"
    ),
    "javascript.advanced.2": (
        "concurrency pool = pool | worker* | in flight | at most | at the same time;"
        "semaphore and p-limit = semaphore | p-limit | p-queue;"
        "batching = batch*;"
        "rate limits = rate limit | 429 | retry-after | throttl*;"
        "retries with backoff = retr* | backoff;"
        "backpressure and streaming = backpressure | stream;"
        "settled results = allsettled | one failure;"
        "why not promise.all = promise.all | all at once;"
        "!wrong = node is async so it can handle it"
    ),
    "javascript.advanced.3": (
        "escaping output = escap*;"
        "sanitizing = sanitiz* | dompurify;"
        "avoid innerhtml = innerhtml | dangerouslysetinnerhtml;"
        "content security policy = content security policy | content-security-policy | csp;"
        "httponly cookies = httponly;"
        "samesite cookies = samesite;"
        "csrf tokens = csrf token | anti-csrf | synchronizer | double-submit | token;"
        "origin checks = origin;"
        "!wrong = https everywhere | password policy | waf"
    ),
    "javascript.advanced.4": (
        "jit = jit | turbofan | optimizing compiler | machine code | compil*;"
        "interpreter and feedback = interpret* | ignition | bytecode | type feedback | records;"
        "hidden classes = hidden class | shape;"
        "inline caches = inline cache;"
        "monomorphic sites = monomorphic | megamorphic | polymorphic | one shape;"
        "deoptimization = deoptimiz* | deopt* | bail*;"
        "type changes = types keep changing | type change | mixing types | different shapes | a string instead;"
        "v8 = v8;"
        "!wrong = minifies | cache the code"
    ),
    "javascript.advanced.5": (
        "chunks = chunk | piece by piece;"
        "stream types = readable | writable | duplex | transform;"
        "backpressure = backpressure;"
        "highwatermark = highwatermark | buffer;"
        "write returns false and drain = drain | returns false | pause;"
        "pipe and pipeline = pipe | pipeline;"
        "bounded memory = memory;"
        "!wrong = video streaming | like arrays"
    ),
    "javascript.advanced.6": (
        "monorepo = monorepo | workspace | nx | turborepo;"
        "team ownership = owner* | codeowners | team;"
        "module boundaries = boundar* | public api | entry point | index file | internals;"
        "shared types and contracts = contract | shared types | types;"
        "interfaces = interface;"
        "strict typescript = strict | project references | tsconfig;"
        "incremental ci = affected | incremental;"
        "!wrong = use any | copy the code"
    ),
    # -- react -------------------------------------------------------------------------------------
    "react.warmup.1": (
        "props from the parent = from the parent | parent | passed | inputs | arguments;"
        "props are read-only = read-only | read only | can't change | not modify | must not | never mutate;"
        "state is owned = own* | inside the component | usestate | setstate | memory;"
        "re-render = re-render | rerender | render;"
        "immutable updates = immutable | setter | replace*;"
        "lifting state up = lift* | callback | one way | down;"
        "!wrong = for styling | redux store | properties of the html"
    ),
    "react.warmup.2": (
        "syntax extension = syntax extension | html-like | html in javascript | xml-like | looks like html | html inside;"
        "transpilation = transpil* | compil* | babel | swc | esbuild | typescript compiler | build step;"
        "createelement = createelement | create element | jsx( | jsx-runtime | jsx runtime | function call;"
        "element objects = element | object;"
        "expressions in braces = braces | expression | classname;"
        "!wrong = browser reads it directly | templating language | file extension"
    ),
    "react.warmup.3": (
        "identity = identit* | which item | which is which | same item | identify | match;"
        "reconciliation = reconcil* | diff*;"
        "index as key = index;"
        "state on the wrong row = wrong row | wrong item | wrong component | state | input text;"
        "stable unique ids = stable | unique | id;"
        "fewer re-renders = re-render | update only;"
        "!wrong = styling list items | warning in the console"
    ),
    "react.warmup.4": (
        "value from state = state | value;"
        "onchange = onchange | change handler;"
        "single source of truth = source of truth | always shows;"
        "dom holds the value = dom | defaultvalue;"
        "refs = ref | useref | formdata;"
        "validation = validat* | format | mask*;"
        "trade-offs = fewer re-renders | less code | performance | file input;"
        "!wrong = controlled by redux | proptypes"
    ),
    "react.standard.1": (
        "runs after render = after render | after the render | after react has rendered | committed | after the component renders;"
        "side effects = side effect | fetch* | subscription | timer;"
        "dependency array = dependency array | dependencies | array;"
        "empty array means mount = empty array | once | mount;"
        "cleanup = cleanup | clean up | return a function | returned | unsubscribe | clear*;"
        "unmount = unmount*;"
        "abort = abort*;"
        "stale values = stale | missing dependenc* | object.is | strict mode;"
        "!wrong = before the component renders | componentwillmount | list of states"
    ),
    "react.standard.2": (
        "usememo caches values = usememo | memoiz* | cach* | remember* | value;"
        "usecallback caches functions = usecallback | function identity | function;"
        "dependencies = dependenc*;"
        "referential equality = referential | identity | new object | same reference | recreated;"
        "react.memo children = react.memo | memoized child | child;"
        "expensive calculations = expensive | slow | thousands;"
        "unnecessary cost = unnecessary | overhead | cost | cheap | not everywhere | profiler;"
        "!wrong = always make the app faster | calling apis only once"
    ),
    "react.standard.3": (
        "local state first = local state | local | close to where | one component;"
        "lifting state = lift*;"
        "context = context;"
        "prop drilling = prop drilling | drill*;"
        "context re-renders = re-render | rerender | every consumer | rarely;"
        "redux and stores = redux | zustand | store;"
        "server state = react query | server data | server state | cache library;"
        "!wrong = everything in redux | context is deprecated"
    ),
    "react.standard.4": (
        "virtual dom = virtual dom | element tree | tree of elements | javascript copy | js description;"
        "diffing = diff* | compar*;"
        "reconciliation = reconcil*;"
        "heuristics = different type | same type | key | heuristic;"
        "linear complexity = o(n) | linear;"
        "minimal dom updates = minimal | only updates | only the needed | only what changed | dom operation | mutation;"
        "commit phase = commit;"
        "fiber = fiber | incremental | paused;"
        "!wrong = copy of the dom in the server | reloads the whole page"
    ),
    "react.standard.5": (
        "fetch in an effect = useeffect | fetch | axios;"
        "loading state = loading | skeleton | spinner;"
        "error state = error;"
        "abort and stale responses = abortcontroller | abort | cancel* | stale;"
        "react query = react query | tanstack | usequery | swr;"
        "caching and retries = cach* | retr* | dedup*;"
        "suspense and boundaries = suspense | error boundary;"
        "!wrong = in the render function directly | in the constructor"
    ),
    "react.standard.6": (
        "form library = react hook form | formik | useform;"
        "schema validation = schema | zod | yup | resolver;"
        "controlled or uncontrolled = controlled | uncontrolled;"
        "field errors = error message | errors | next to | under the field;"
        "when to validate = on blur | on submit | submit;"
        "server errors = server-side error | server error | seterror;"
        "accessibility = aria;"
        "complex structures = field array | usefieldarray | multi-step | dependent field | watch;"
        "!wrong = validate on the server only | required attribute"
    ),
    "react.standard.7": (
        "testing library = react testing library | testing library | rtl;"
        "runner = jest | vitest;"
        "render and screen = render | screen;"
        "queries like a user = getbyrole | getbylabeltext | role | label | like a user;"
        "user events = user-event | userevent | user event | click | fire;"
        "mocking network = mock | msw | mock service worker;"
        "async ui = findby | waitfor;"
        "behaviour not implementation = behaviour | behavior | implementation;"
        "end-to-end = playwright | cypress | end-to-end;"
        "!wrong = manually in the browser | snapshot tests for every"
    ),
    "react.standard.8": (
        "use prefix = use prefix | starts with use | starting with use | named use*;"
        "calls other hooks = usestate | useeffect | other hooks;"
        "reuse logic = reus* | stateful logic | extract*;"
        "top level only = top level | top-level | unconditional*;"
        "no conditions or loops = condition* | loops | if statement | early return;"
        "call order = order;"
        "eslint plugin = eslint;"
        "!wrong = class component | plugins you install"
    ),
    "react.standard.9": (
        "props types = interface | type props | type;"
        "optional props = optional | ?;"
        "event types = changeevent | mouseevent | formevent | event;"
        "native props = componentprops | componentpropswithoutref | native;"
        "generics = generic | <t>;"
        "children = reactnode | children;"
        "!wrong = use any | proptypes | too complicated"
    ),
    "react.advanced.1": (
        "profiler = profiler | profil*;"
        "measure first = measure | record | why did this render | performance tab;"
        "context causes = context;"
        "react.memo = react.memo | memo;"
        "usememo and usecallback = usememo | usecallback;"
        "move state down = move state | state down | too high | colocat*;"
        "virtualization = virtualiz* | react-window | windowing;"
        "new props each render = new object | stable props | new callback;"
        "!wrong = upgrade react | backend team"
    ),
    "react.advanced.2": (
        "interruptible rendering = interrupt* | pause | resum*;"
        "priorities = priorit* | urgent;"
        "transitions = starttransition | usetransition | transition;"
        "ispending and deferred values = ispending | usedeferredvalue | deferred;"
        "suspense = suspense;"
        "fallback = fallback;"
        "keeps old ui = old ui | previous screen | stale;"
        "!wrong = multiple threads | css transitions | animations"
    ),
    "react.advanced.3": (
        "ssr = server-side rendering | ssr | render* on the server | renders the components to html;"
        "first paint and seo = seo | first paint | faster | crawler;"
        "hydration = hydrat*;"
        "server components = server component;"
        "no client js = no javascript | zero js | send no | ship*;"
        "client boundary = use client | client boundary | client component;"
        "streaming = stream*;"
        "next.js = next.js | nextjs;"
        "!wrong = hosted on a server | call the server with fetch"
    ),
    "react.advanced.4": (
        "server vs client state = server state | client state;"
        "query cache = react query | rtk query | cache;"
        "invalidation = invalidat*;"
        "feature organisation = feature;"
        "boundaries = boundar*;"
        "normalization = normaliz* | normalis*;"
        "lightweight stores = zustand | store | context | redux | global state;"
        "api layer = api layer | hooks | fetch functions;"
        "!wrong = fetch everything when the app loads | all the fetch calls in app.js"
    ),
    "react.advanced.5": (
        "fiber nodes = fiber;"
        "unit of work = unit* of work | units;"
        "work loop = work loop;"
        "yielding = yield* | pause | interrupt* | main thread;"
        "lanes = lane;"
        "priority = priorit*;"
        "render vs commit = commit phase | commit;"
        "work-in-progress tree = work-in-progress | work in progress | linked | child, sibling;"
        "!wrong = new name for functional components"
    ),
    "react.advanced.6": (
        "semantic html = semantic | native element | real button;"
        "aria = aria;"
        "roles = role;"
        "keyboard = keyboard | arrow keys | tab | escape;"
        "focus management = focus;"
        "screen readers = screen reader | voiceover | nvda;"
        "automated checks = axe;"
        "!wrong = font bigger | designer's job"
    ),
    # -- fullstack ---------------------------------------------------------------------------------
    "fullstack.advanced.1": (
        "object storage = storage | s3 | bucket;"
        "signed urls = signed url | presigned | pre-signed;"
        "queue = queue | message;"
        "workers = worker;"
        "status tracking = status | pending | processing;"
        "idempotency = idempot* | keyed by | run twice | safe to run;"
        "retries = retr* | backoff;"
        "dead letter = dead letter | dead-letter;"
        "scaling = scale* | autoscal* | more workers;"
        "!wrong = parses it right away | big server | each night"
    ),
    "fullstack.advanced.2": (
        "jwt = jwt;"
        "refresh tokens = refresh token | refresh;"
        "httponly cookies = httponly | http-only;"
        "samesite and secure = samesite | secure;"
        "authorization header = authorization header | header;"
        "expiry = expir* | short-lived;"
        "signature verification = signature | verif* | validat* | jwks;"
        "cors = cors | origin;"
        "revocation and rotation = revok* | rotat* | logout;"
        "!wrong = localstorage and send | basic auth | username and password in"
    ),
}
