"""AI tasks over a backend: propose prompts, write chosen/rejected, judge refusals, fill gaps, run jobs.

Prompt templates are data (``prefcraft/ai/prompts/*.yaml``); each task has a ``build_*`` and a
``parse_*`` (see :mod:`prefcraft.ai.tasks`). Importing this package registers the ``llm`` judge engine.
"""

from __future__ import annotations

from prefcraft.ai.judge import LLMJudgeEngine, LLMJudgment, parse_judgment, judge_refusal, use_backend
from prefcraft.ai.tasks import (Parsed, ProposedPrompt, build_judge, build_propose_prompts,
                                build_write_chosen, build_write_rejected, parse_proposed_prompts,
                                parse_response_text, propose_for_gaps, propose_prompts, write_chosen,
                                write_rejected)

__all__ = ["LLMJudgeEngine", "LLMJudgment", "Parsed", "ProposedPrompt", "build_judge",
           "build_propose_prompts", "build_write_chosen", "build_write_rejected", "judge_refusal",
           "parse_judgment", "parse_proposed_prompts", "parse_response_text", "propose_for_gaps",
           "propose_prompts", "use_backend", "write_chosen", "write_rejected"]
