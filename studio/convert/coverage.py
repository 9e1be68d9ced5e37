"""How much of a model an int8 artifact really quantized (torch-free: the report holds it).

A quantizer may leave a layer float32 without saying so (dynamic int8 quantizes linear
and recurrent layers, not convolutions, and each toolchain covers different kinds), so
every int8 artifact records how many of the model's conv/linear/recurrent layers carry
int8 weights. An artifact in which none do is the float32 model under an int8 name.
"""

from __future__ import annotations

from dataclasses import dataclass

LAYERS = "conv/linear/recurrent layers"


@dataclass(frozen=True)
class Coverage:
    """``quantized`` of the ``layers`` conv/linear/recurrent layers have int8 weights."""

    mode: str  # "dynamic" or "static"
    quantized: int
    layers: int

    @property
    def nothing(self) -> bool:
        return self.quantized == 0

    @property
    def note(self) -> str:
        what, layers = f"{self.mode} int8", LAYERS if self.layers != 1 else LAYERS[:-1]
        if self.layers == 0:
            return f"the model has no {LAYERS}: {what} quantized nothing and the file is float32"
        if self.nothing:
            return f"{what} quantized none of the {self.layers} {layers}: the file is float32"
        if self.quantized < self.layers:
            return (
                f"{what} quantized {self.quantized} of the {self.layers} {layers}; "
                "the others stay float32"
            )
        return f"{what} quantized all {self.layers} {layers}"

    @property
    def warning(self) -> str | None:
        """Why the verdict cannot be a pass: nothing was quantized (None otherwise)."""
        return self.note if self.nothing else None

    def to_dict(self) -> dict:
        return {"mode": self.mode, "quantized": self.quantized, "layers": self.layers}

    @classmethod
    def from_dict(cls, doc: dict) -> Coverage:
        return cls(str(doc["mode"]), int(doc["quantized"]), int(doc["layers"]))
