"""The optional LLM coach: a client built once (from the LLM settings) and the writer the Coach uses."""

from bot.llm.client import ChatMessage, LLMClient, LLMError, LLMReply, build_llm_client
from bot.llm.writer import LLMAnswerWriter

__all__ = ["ChatMessage", "LLMAnswerWriter", "LLMClient", "LLMError", "LLMReply", "build_llm_client"]
