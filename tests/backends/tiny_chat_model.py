"""Build a tiny random Qwen2 chat model + a from-scratch BPE tokenizer in a folder (about 1 s, ~500 KB).

Nothing is downloaded: the tokenizer is trained on a few hundred sentences, given a ChatML template,
and saved next to a random-weight Qwen2ForCausalLM (hidden 64, 2 layers).
"""

from __future__ import annotations

from pathlib import Path

CHATML = ("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
          "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")

_WORDS = ("create schedule assign remind share search task list calendar reminder tomorrow morning "
          "evening team project meeting deadline please help me with the a an to for my your can you "
          "I won't that because instead would like set up every day week note safe boundary").split()


def build(folder: Path) -> Path:
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    sentences = [" ".join(_WORDS[(i * 7 + j * 3) % len(_WORDS)] for j in range(4 + i % 9)) for i in range(300)]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    specials = ["<|im_start|>", "<|im_end|>", "<pad>"]
    tok.train_from_iterator(sentences, trainers.BpeTrainer(vocab_size=512, special_tokens=specials,
                                                           initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<pad>",
                                   bos_token=None)
    fast.chat_template = CHATML
    folder.mkdir(parents=True, exist_ok=True)
    fast.save_pretrained(folder)
    torch.manual_seed(0)
    cfg = Qwen2Config(vocab_size=len(fast), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512,
                      eos_token_id=fast.eos_token_id, pad_token_id=fast.pad_token_id, tie_word_embeddings=True)
    Qwen2ForCausalLM(cfg).save_pretrained(folder)
    return folder
