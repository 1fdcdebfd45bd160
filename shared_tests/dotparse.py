"""A small parser for the DOT language, enough to read back what get_dot_graph writes.

The suite checks the graph a DOT text describes, not the text itself: two texts that draw the
same picture must pass alike, and a text that draws a different picture must fail. So this
follows the DOT grammar (https://graphviz.org/doc/info/lang.html) and its meaning:

- a node statement `ID [a=b, ...]` creates the node or adds attributes to it: the same ID
  declared twice is one node (as graphviz draws it), and `Graph.declarations` counts the
  node statements per ID, for a test that wants each node written once;
- an edge statement `A -> B -> C [attrs]` adds one edge per arrow, and repeating an edge
  statement adds the edge again (a digraph is a multigraph unless `strict`), so duplicated
  edges show up in `Graph.edges`;
- an edge mentions its endpoints, creating them as nodes if they are new;
- `node [...]` / `edge [...]` set defaults for what follows; `graph [...]` and `a = b` set
  graph attributes.

Subgraphs, ports and HTML labels are not needed for DeZero's graphs and are rejected with a
DotParseError rather than misread. Identifiers may be bare (letters, digits, underscores),
numerals (like -1.5) or double-quoted strings with backslash escapes; comments (`//`, `/* */`,
and `#` lines) are skipped. Quoted strings joined by `+` are concatenated.
"""

from __future__ import annotations

import collections
import dataclasses
import itertools
import re


class DotParseError(ValueError):
    pass


@dataclasses.dataclass
class Graph:
    name: str | None
    directed: bool
    strict: bool
    nodes: dict[str, dict[str, str]]  # node ID -> merged attributes, in order of appearance
    edges: list[tuple[str, str, dict[str, str]]]  # (tail, head, attributes), repeats kept
    attributes: dict[str, str]
    declarations: collections.Counter = dataclasses.field(default_factory=collections.Counter)

    def label(self, node: str) -> str:
        """The node's label; graphviz shows the node's ID when it has none."""
        return self.nodes[node].get("label", node)

    def successors(self, node: str) -> list[str]:
        return [head for tail, head, _ in self.edges if tail == node]

    def predecessors(self, node: str) -> list[str]:
        return [tail for tail, head, _ in self.edges if head == node]


_TOKEN = re.compile(r"""
      (?P<space>\s+)
    | (?P<comment>//[^\n]*|/\*.*?\*/|^\#[^\n]*)
    | (?P<quoted>"(?:[^"\\]|\\.)*")
    | (?P<edgeop>->|--)
    | (?P<numeral>-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?))
    | (?P<name>[A-Za-z_\x80-\U0010ffff][A-Za-z_0-9\x80-\U0010ffff]*)
    | (?P<punct>[{}\[\]=;,:+<])
""", re.VERBOSE | re.DOTALL | re.MULTILINE)

_KEYWORDS = {"strict", "graph", "digraph", "node", "edge", "subgraph"}


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            line = text.count("\n", 0, pos) + 1
            raise DotParseError(f"line {line}: cannot read {text[pos:pos + 20]!r}")
        pos = m.end()
        kind = m.lastgroup
        value = m.group()
        if kind in ("space", "comment"):
            continue
        if kind == "quoted":
            # In DOT only \" is an escape inside a string; other backslashes stay as they
            # are (they are graphviz's label escapes such as \n and \l).
            out.append(("id", value[1:-1].replace('\\"', '"')))
        elif kind == "name" and value.lower() in _KEYWORDS:
            out.append(("keyword", value.lower()))
        elif kind in ("name", "numeral"):
            out.append(("id", value))
        elif kind == "edgeop":
            out.append(("edgeop", value))
        elif value == "<":
            raise DotParseError("HTML-like labels (<...>) are not supported")
        else:
            out.append(("punct", value))
    return out


class _Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.pos = 0

    def peek(self, offset=0):
        i = self.pos + offset
        return self.tokens[i] if i < len(self.tokens) else ("eof", "")

    def take(self, kind=None, value=None):
        tok = self.peek()
        if (kind is not None and tok[0] != kind) or (value is not None and tok[1] != value):
            want = value or kind
            raise DotParseError(f"expected {want!r}, found {tok[1] or 'the end'!r}")
        self.pos += 1
        return tok

    def accept(self, kind, value=None):
        tok = self.peek()
        if tok[0] == kind and (value is None or tok[1] == value):
            self.pos += 1
            return True
        return False

    def ident(self):
        value = self.take("id")[1]
        while self.peek() == ("punct", "+") and self.peek(1)[0] == "id":
            self.pos += 1
            value += self.take("id")[1]
        return value

    def attr_list(self):
        attrs = {}
        while self.accept("punct", "["):
            while not self.accept("punct", "]"):
                key = self.ident()
                self.take("punct", "=")
                attrs[key] = self.ident()
                self.accept("punct", ",") or self.accept("punct", ";")
        return attrs

    def graph(self) -> Graph:
        strict = self.accept("keyword", "strict")
        kind = self.take("keyword")[1]
        if kind not in ("graph", "digraph"):
            raise DotParseError(f"expected 'graph' or 'digraph', found {kind!r}")
        name = self.ident() if self.peek()[0] == "id" else None
        self.take("punct", "{")
        g = Graph(name, kind == "digraph", strict, {}, [], {})
        node_defaults: dict[str, str] = {}
        edge_defaults: dict[str, str] = {}
        arrow = "->" if g.directed else "--"

        def touch(node):
            if node not in g.nodes:
                g.nodes[node] = dict(node_defaults)

        while not self.accept("punct", "}"):
            tok = self.peek()
            if tok[0] == "keyword":
                if tok[1] == "subgraph":
                    raise DotParseError("subgraphs are not supported")
                if tok[1] not in ("graph", "node", "edge"):
                    raise DotParseError(f"unexpected keyword {tok[1]!r}")
                self.pos += 1
                attrs = self.attr_list()
                {"graph": g.attributes, "node": node_defaults,
                 "edge": edge_defaults}[tok[1]].update(attrs)
            elif tok[0] == "id" and self.peek(1) == ("punct", "="):
                key = self.ident()
                self.take("punct", "=")
                g.attributes[key] = self.ident()
            elif tok[0] == "id":
                chain = [self.ident()]
                if self.peek() == ("punct", ":"):
                    raise DotParseError("node ports are not supported")
                while self.peek()[0] == "edgeop":
                    op = self.take("edgeop")[1]
                    if op != arrow:
                        raise DotParseError(f"{op!r} in a {kind}")
                    chain.append(self.ident())
                attrs = self.attr_list()
                for node in chain:
                    touch(node)
                if len(chain) == 1:
                    g.nodes[chain[0]].update(attrs)
                    g.declarations[chain[0]] += 1
                else:
                    for tail, head in itertools.pairwise(chain):
                        g.edges.append((tail, head, {**edge_defaults, **attrs}))
            else:
                raise DotParseError(f"unexpected {tok[1] or 'end of text'!r}")
            self.accept("punct", ";")
        if self.peek()[0] != "eof":
            raise DotParseError(f"text after the closing brace: {self.peek()[1]!r}")
        return g


def parse(text: str) -> Graph:
    """Parse one DOT graph; raise DotParseError (with what went wrong) if it is not one."""
    return _Parser(_tokens(text)).graph()
