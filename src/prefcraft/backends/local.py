"""A local ``transformers`` model folder (or a GGUF file inside one), on CPU by default.

Needs the ``train`` extra (torch + transformers); imported at first use. Nothing is downloaded: the
folder must hold a tokenizer with a chat template and the weights (``gguf_file=`` for a GGUF file,
dequantised on load). Calls are serialised (one generation at a time per model).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from prefcraft.backends.base import Backend, BackendError, Completion, Message
from prefcraft.errors import UsageError, require


class TransformersBackend(Backend):
    name = "transformers"

    def __init__(self, model: str | None = None, *, gguf_file: str | None = None, device: str = "cpu",
                 dtype: str | None = None, max_new_tokens: int = 256, **_: Any) -> None:
        if not model:
            raise UsageError("the transformers backend needs --model: the path of a local model folder "
                             "(config.json, tokenizer and weights, or a .gguf file with --gguf-file)")
        path = Path(model).expanduser()
        if not path.is_dir():
            raise UsageError(f"{model}: not a model folder; the transformers backend loads a local folder "
                             f"only (nothing is downloaded) — pass the folder that holds config.json or "
                             f"the .gguf file")
        if gguf_file and not (path / gguf_file).is_file():
            raise UsageError(f"{path / gguf_file}: GGUF file not found; found: "
                             f"{', '.join(p.name for p in path.glob('*.gguf')) or 'no .gguf files'}")
        super().__init__(str(path), concurrency=1)
        self.path = path
        self.gguf_file = gguf_file
        self.device = device
        self.dtype = dtype
        self.max_new_tokens = max_new_tokens
        self._loaded: tuple[Any, Any] | None = None
        self._lock = threading.Lock()

    def identity(self) -> dict[str, Any]:
        return {"backend": self.name, "model": str(self.path.resolve()), "gguf_file": self.gguf_file}

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "gguf_file": self.gguf_file, "device": self.device}

    def _load(self) -> tuple[Any, Any]:
        if self._loaded is None:
            require("torch", extra="train", feature="The transformers backend")
            transformers = require("transformers", extra="train", feature="The transformers backend")
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            kw: dict[str, Any] = {"local_files_only": True}
            if self.gguf_file:
                kw["gguf_file"] = self.gguf_file
            try:
                tok = transformers.AutoTokenizer.from_pretrained(str(self.path), **kw)
                mkw = dict(kw)
                if self.dtype:
                    import torch

                    mkw["dtype"] = getattr(torch, self.dtype)
                model = transformers.AutoModelForCausalLM.from_pretrained(str(self.path), **mkw)
            except (OSError, ValueError) as exc:
                raise BackendError(f"{self.path}: cannot load the model ({exc}); the folder needs "
                                   f"config.json, a tokenizer and weights (or pass --gguf-file)") from None
            model.to(self.device)
            model.eval()
            if getattr(tok, "chat_template", None) is None:
                raise BackendError(f"{self.path}: the tokenizer has no chat_template; add one to "
                                   f"tokenizer_config.json (the transformers backend formats chats with it)")
            self._loaded = (tok, model)
        return self._loaded

    def _complete(self, messages: list[Message], options: dict[str, Any]) -> Completion:
        import torch

        with self._lock:
            tok, model = self._load()
            enc = tok.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt",
                                          return_dict=True)
            enc = {k: v.to(self.device) for k, v in enc.items()}
            temperature = float(options.get("temperature", 0.0) or 0.0)
            gen: dict[str, Any] = {"max_new_tokens": int(options.get("max_tokens", self.max_new_tokens)),
                                   "do_sample": temperature > 0}
            if temperature > 0:
                gen["temperature"] = temperature
                if "top_p" in options:
                    gen["top_p"] = float(options["top_p"])
            pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
            if pad is not None:
                gen["pad_token_id"] = pad
            if "seed" in options:
                torch.manual_seed(int(options["seed"]))
            with torch.no_grad():
                out = model.generate(**enc, **gen)
            n_in = enc["input_ids"].shape[1]
            new = out[0, n_in:]
            text = tok.decode(new, skip_special_tokens=True).strip()
        usage = {"prompt_tokens": int(n_in), "completion_tokens": int(new.shape[0]),
                 "total_tokens": int(n_in + new.shape[0])}
        return Completion(text=text, raw={"generated_tokens": int(new.shape[0])},
                          model=self.gguf_file or self.path.name, usage=usage)
