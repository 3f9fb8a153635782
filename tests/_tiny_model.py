"""A tiny tokenizer and random-weight causal LM built from scratch (no model hub), for tests.

``build_tiny_tokenizer(folder)`` trains a byte-level BPE (vocab ~512) with ``tokenizers`` on a few hundred
sentences, wraps it in ``PreTrainedTokenizerFast`` with a ChatML chat template, saves it and returns the
folder; ``load_tiny_tokenizer(folder)`` reloads it with ``AutoTokenizer``. ``build_tiny_model(folder,
tokenizer)`` saves a random ``Qwen2ForCausalLM`` (hidden 64, 2 layers, 4 heads). Reusable by any test::

    from tests._tiny_model import build_tiny_tokenizer, load_tiny_tokenizer, build_tiny_model
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)
SPECIALS = ["<pad>", "<|im_start|>", "<|im_end|>"]

_WORDS = ("task reminder schedule calendar project deadline team meeting share location track phone "
          "message friend partner family account password private note list assign due today tomorrow "
          "week help sorry cannot instead safe support boundary consent follow watch report alert "
          "people person someone they their you your my me we our it this that what how why when where "
          "can could would should please thanks okay sure here is are was were be been add set make "
          "the a an and or but not no yes to of in on for with at by from about into over after").split()


def _corpus(n: int = 400) -> list[str]:
    import random

    rng = random.Random(0)
    lines = []
    for _ in range(n):
        k = rng.randint(5, 16)
        lines.append(" ".join(rng.choice(_WORDS) for _ in range(k)).capitalize() + rng.choice([".", "?", "!"]))
    return lines


def build_tiny_tokenizer(folder: str | os.PathLike, vocab_size: int = 512, *, bos: bool = False) -> str:
    """ChatML tokenizer (EOS ``<|im_end|>``). ``bos=True``: Llama-style, the tokenizer adds ``<s>`` to every
    encoded text and the chat template prints ``{{ bos_token }}`` first (the doubled-BOS trap)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    specials = SPECIALS + (["<s>"] if bos else [])
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=specials,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(_corpus(), trainer=trainer)
    if bos:
        tok.post_processor = processors.TemplateProcessing(single="<s> $A", pair="<s> $A $B",
                                                           special_tokens=[("<s>", tok.token_to_id("<s>"))])
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<pad>",
                                   bos_token="<s>" if bos else None, unk_token=None)
    fast.chat_template = ("{{ bos_token }}" if bos else "") + CHATML_TEMPLATE
    fast.save_pretrained(os.fspath(folder))
    return os.fspath(folder)


def load_tiny_tokenizer(folder: str | os.PathLike):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(os.fspath(folder))


def build_tiny_model(folder: str | os.PathLike, tokenizer) -> str:
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(0)
    config = Qwen2Config(vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512,
                         pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
                         bos_token_id=None, tie_word_embeddings=True)
    model = Qwen2ForCausalLM(config)
    model.save_pretrained(os.fspath(folder))
    tokenizer.save_pretrained(os.fspath(folder))
    return os.fspath(folder)


def dpo_train_two_steps(model_dir: str, train_dataset, eval_dataset=None, *, max_length: int = 128,
                        output_dir: str | os.PathLike = "dpo-out") -> dict:
    """Train TRL's DPOTrainer for 2 steps on CPU; returns the train metrics."""
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import DPOConfig, DPOTrainer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir)
    args = DPOConfig(output_dir=os.fspath(output_dir), use_cpu=True, bf16=False, report_to="none",
                     save_strategy="no", max_length=max_length, per_device_train_batch_size=2,
                     per_device_eval_batch_size=2, max_steps=2, logging_steps=1, dataset_num_proc=None,
                     disable_tqdm=True)
    trainer = DPOTrainer(model=model, args=args, train_dataset=train_dataset, eval_dataset=eval_dataset,
                         processing_class=tokenizer)
    out = trainer.train()
    return {"metrics": out.metrics, "trainer": trainer}
