"""The page's ES modules as one script, so a first visit fetches one file instead of ~60.

Each module is a request, and a browser sends at most six at a time over HTTP/1.1. Measured in
Chromium on localhost (bench/bench_page.py, the full `make bench` of 2026-12-02 on 2 cores):
the first diagram was shown 310 ms after navigation with the bundle, 453 ms with the modules one
by one. There is no build step: the bundle is made from the files as they are, when the page is
first asked for after a change, and kept per version.

The page's modules use a small part of the module syntax, and that is all this accepts (anything
else raises BundleError, and the page is then served as separate modules, as before):

    import { a, b as c } from './x.js';       ->  const { a, b: c } = MODULES["js/x.js"];
    import * as ns from './x.js';             ->  const ns = MODULES["js/x.js"];
    import './x.js';                          ->  (evaluated before, nothing bound)
    export function f / async function / const / class   ->  the declaration, named in ...
    export { a, b as c };                     ->  ... the module's frozen namespace object

Each module runs in a function of its own (its names stay its own), after every module it
imports, in the order the browser would evaluate them: depth first, in import order. The
semantics are a module's as long as exports are never reassigned (they are `function`, `class`
and `const`: ESLint's no-func-assign and no-class-assign) and there are no import cycles (a
cycle raises BundleError). Every named import must be one its module exports, as the browser
checks before running anything: a declaration read short here (`export const a = 1, b = 2`
exports `a` only) refuses the bundle instead of breaking the page. Lines keep their numbers
within each module, so the source map (`bundle.js.map`) points the browser's developer tools at
the original files.
"""

import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

ENTRY = "js/main.js"
BUNDLE = "js/bundle.js"  # not a file: made from the modules ENTRY imports
SOURCE_MAP = BUNDLE + ".map"
MODULES = "__cnnExplorerModules"  # the bundle's one top-level name besides the functions'

NAME = r"[A-Za-z_$][\w$]*"
SPECIFIER = r"""(?P<quote>['"])(?P<path>\.\.?/[^'"]+\.js)(?P=quote)\s*;?[ \t]*$"""
IMPORT_NAMED = re.compile(r"^import\s*\{(?P<names>[^}]*)\}\s*from\s*" + SPECIFIER, re.MULTILINE)
IMPORT_NAMESPACE = re.compile(
    rf"^import\s*\*\s*as\s+(?P<name>{NAME})\s+from\s*" + SPECIFIER, re.MULTILINE
)
IMPORT_BARE = re.compile(r"^import\s*" + SPECIFIER, re.MULTILINE)
EXPORT_DECLARATION = re.compile(
    rf"^export\s+(?P<kind>async\s+function\*?|function\*?|const|class)\s*(?P<name>{NAME})",
    re.MULTILINE,
)
EXPORT_LIST = re.compile(r"^export\s*\{(?P<names>[^}]*)\}\s*;?[ \t]*$", re.MULTILINE)
MODULE_SYNTAX = re.compile(r"^(?:import|export)\b.*$", re.MULTILINE)
PAGE_ENTRY = re.compile(r'<script type="module" src="js/main\.js"></script>')
PAGE_PRELOAD = re.compile(r'^<link rel="modulepreload" href="js/[^"]+">\n', re.MULTILINE)


class BundleError(ValueError):
    """The modules use syntax this bundler does not handle, or import each other in a cycle."""


@dataclass(frozen=True)
class Bundle:
    script: str  # the bundle, ending with its sourceMappingURL comment
    source_map: str  # JSON, version 3
    modules: tuple[str, ...]  # paths relative to the page's folder, in evaluation order


@dataclass(frozen=True)
class _Module:
    path: str
    lines: list[str]  # the body, import statements turned into bindings, line for line
    imports: list[str]  # module paths, in import order
    exports: list[tuple[str, str]]  # (exported name, local name)
    wanted: list[tuple[str, str]]  # (module path, name) of each named import


def bundled_page(html: str) -> str:
    """index.html with its module preloads dropped and `js/main.js` replaced by the bundle."""
    if not PAGE_ENTRY.search(html):
        raise BundleError(f'index.html has no <script type="module" src="{ENTRY}">')
    html = PAGE_PRELOAD.sub("", html)
    return PAGE_ENTRY.sub(f'<script type="module" src="{BUNDLE}"></script>', html)


def build(page_dir: Path, entry: str = ENTRY) -> Bundle:
    """The bundle of `entry` and every module it imports, read from `page_dir`."""
    order: list[str] = []
    parsed: dict[str, _Module] = {}
    visiting: list[str] = []

    def visit(path: str) -> None:
        if path in parsed:
            return
        if path.startswith("../") or posixpath.isabs(path):
            raise BundleError(f"{path} is outside the page's folder")
        if path in visiting:
            cycle = " -> ".join([*visiting[visiting.index(path) :], path])
            raise BundleError(f"import cycle: {cycle}")
        visiting.append(path)
        module = _parse(page_dir, path)
        for dependency in module.imports:
            visit(dependency)
        visiting.pop()
        parsed[path] = module
        order.append(path)

    visit(entry)
    _check_imports(parsed)
    out = [f"const {MODULES} = Object.create(null);"]
    mapped: list[tuple[int, int] | None] = [None]  # per bundle line: (source index, its line)
    for index, path in enumerate(order):
        module = parsed[path]
        out += [f"// {path}", f'{MODULES}["{path}"] = (() => {{']
        mapped += [None, None]
        out += module.lines
        mapped += [(index, n) for n in range(len(module.lines))]
        fields = ", ".join(_binding(name, local) for name, local in module.exports)
        out += [f"return Object.freeze({{ {fields} }});" if fields else "return {};", "})();"]
        mapped += [None, None]
    bundle_dir = posixpath.dirname(BUNDLE)
    sources = [posixpath.relpath(p, bundle_dir) for p in order]
    out.append(f"//# sourceMappingURL={posixpath.basename(SOURCE_MAP)}")
    mapped.append(None)
    return Bundle("\n".join(out) + "\n", _source_map(sources, mapped), tuple(order))


def _parse(page_dir: Path, path: str) -> _Module:
    file = page_dir / path
    try:
        text = file.read_text(encoding="utf-8").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise BundleError(f"{path}: cannot read it ({exc})") from exc
    if MODULES in text:
        raise BundleError(f"{path} uses the bundle's own name {MODULES}")
    imports: list[str] = []
    exports: list[tuple[str, str]] = []
    wanted: list[tuple[str, str]] = []

    def target(relative: str) -> str:
        return posixpath.normpath(posixpath.join(posixpath.dirname(path), relative))

    def keep_lines(statement: str, replacement: str) -> str:
        return replacement + "\n" * statement.count("\n")  # the lines below keep their numbers

    def named(match: re.Match[str]) -> str:
        dependency = target(match["path"])
        imports.append(dependency)
        names = _names(match["names"], path)
        wanted.extend((dependency, imported) for imported, _ in names)
        bindings = ", ".join(_binding(*item) for item in names)
        return keep_lines(match[0], f'const {{ {bindings} }} = {MODULES}["{dependency}"];')

    def namespace(match: re.Match[str]) -> str:
        dependency = target(match["path"])
        imports.append(dependency)
        return keep_lines(match[0], f'const {match["name"]} = {MODULES}["{dependency}"];')

    def bare(match: re.Match[str]) -> str:
        imports.append(target(match["path"]))
        return keep_lines(match[0], "")

    def declaration(match: re.Match[str]) -> str:
        exports.append((match["name"], match["name"]))
        return match[0].removeprefix("export").lstrip()

    def listed(match: re.Match[str]) -> str:
        exports.extend((exported, local) for local, exported in _names(match["names"], path))
        return keep_lines(match[0], "")

    handlers = (
        (IMPORT_NAMED, named),
        (IMPORT_NAMESPACE, namespace),
        (IMPORT_BARE, bare),
        (EXPORT_DECLARATION, declaration),
        (EXPORT_LIST, listed),
    )
    pieces, done = [], 0
    for start in MODULE_SYNTAX.finditer(text):  # in file order: imports keep their order
        if start.start() < done:
            continue  # inside a statement already read (a multi-line import)
        for pattern, handler in handlers:
            match = pattern.match(text, start.start())
            if match:
                pieces += [text[done : match.start()], handler(match)]
                done = match.end()
                break
        else:
            line = text.count("\n", 0, start.start()) + 1
            raise BundleError(
                f"{path}:{line}: module syntax the bundler does not handle: {start[0]!r}"
            )
    body = "".join([*pieces, text[done:]])
    return _Module(path, body.split("\n"), imports, exports, wanted)


def _check_imports(parsed: dict[str, _Module]) -> None:
    """Every named import is exported by its module, as the browser checks before running any:
    a name this bundler failed to read as exported (or a real mistake) refuses the bundle."""
    for module in parsed.values():
        for dependency, name in module.wanted:
            if name not in {exported for exported, _ in parsed[dependency].exports}:
                raise BundleError(
                    f"{module.path} imports {name} from {dependency}, which does not export it"
                )


def _names(listing: str, path: str) -> list[tuple[str, str]]:
    """`a, b as c` -> [("a", "a"), ("b", "c")]."""
    out = []
    for part in listing.split(","):
        words = part.split()
        if not words:
            continue
        if len(words) == 1 and re.fullmatch(NAME, words[0]):
            out.append((words[0], words[0]))
        elif len(words) == 3 and words[1] == "as" and _are_names(words[0], words[2]):
            out.append((words[0], words[2]))
        else:
            raise BundleError(f"{path}: cannot read the names {part.strip()!r}")
    return out


def _are_names(*words: str) -> bool:
    return all(re.fullmatch(NAME, word) for word in words)


def _binding(key: str, local: str) -> str:
    """An object literal's or a destructuring's entry: `a`, or `a: b`."""
    return key if key == local else f"{key}: {local}"


_VLQ = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _vlq(value: int) -> str:
    rest = (-value << 1) | 1 if value < 0 else value << 1
    out = ""
    while True:
        digit, rest = rest & 31, rest >> 5
        out += _VLQ[digit | (32 if rest else 0)]
        if not rest:
            return out


def _source_map(sources: list[str], lines: list[tuple[int, int] | None]) -> str:
    """Line-level mappings: each bundle line that came from a module points at its line."""
    segments, last_source, last_line = [], 0, 0
    for entry in lines:
        if entry is None:
            segments.append("")
            continue
        source, line = entry
        segments.append("A" + _vlq(source - last_source) + _vlq(line - last_line) + "A")
        last_source, last_line = source, line
    return json.dumps({"version": 3, "file": posixpath.basename(BUNDLE), "sources": sources,
                       "names": [], "mappings": ";".join(segments)})  # fmt: skip
