"""Type stubs of the avtal package (compiled agreement rules over Arrow)."""

from os import PathLike
from typing import Any, Literal, Optional, Protocol, TypedDict, Union

class _ArrowStream(Protocol):
    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object: ...

class _ArrowArray(Protocol):
    def __arrow_c_array__(self, requested_schema: Optional[object] = None) -> tuple[object, object]: ...

ArrowData = Union[_ArrowStream, _ArrowArray]

class Diagnostic(TypedDict):
    code: str
    severity: str
    message: str
    file: str
    line: int
    column: int
    span: tuple[int, int]
    help: Optional[str]

class ExampleOutcome(TypedDict):
    title: str
    file: str
    line: int
    passed: bool
    problems: list[Diagnostic]

class AvtalError(Exception):
    """A diagnostic: the first one's fields as attributes, all of them in `diagnostics`."""

    code: str
    message: str
    file: str
    line: int
    column: int
    span: tuple[int, int]
    help: Optional[str]
    diagnostics: list[Diagnostic]

class ArrowTable:
    """Arrow record batches behind `__arrow_c_stream__` (returned when pyarrow is not installed)."""

    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object: ...
    def __len__(self) -> int: ...

class Entry:
    @property
    def name(self) -> str: ...
    @property
    def input_schema(self) -> Any:
        """The Arrow schema `evaluate` reads (a pyarrow.Schema with pyarrow)."""
    @property
    def output_schema(self) -> Any:
        """The Arrow schema of the results (a pyarrow.Schema with pyarrow)."""
    def evaluate(
        self, data: ArrowData, engine: Literal["jit", "interp"] = "jit"
    ) -> tuple[Any, Any]:
        """(results, errors): results of the good rows in input order; one
        error line per problem of a bad row (row, field, code, message, help).
        pyarrow Tables when pyarrow is importable, else `ArrowTable`s."""
    def explain(self, record: dict[str, object]) -> str:
        """The explanation tree of one record, as `avtal explain` prints it."""

class Module:
    def entries(self) -> list[str]: ...
    def entry(self, name: Optional[str] = None) -> Entry: ...
    def check(self) -> list[Diagnostic]:
        """The file's warnings."""
    def test(self) -> list[ExampleOutcome]:
        """The file's examples, run with the interpreter."""

def load(path: Union[str, PathLike[str]]) -> Module:
    """Compile an agreement file; raises AvtalError when it has errors."""

def check(path: Union[str, PathLike[str]]) -> list[Diagnostic]:
    """Raise AvtalError on errors; return the warnings."""
