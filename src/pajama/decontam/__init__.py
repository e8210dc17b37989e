"""Decontamination: find benchmark test items inside training documents by word n-gram overlap.

GPT-3 (Brown et al. 2020, arXiv:2005.14165, appendix C) removed training documents sharing a 13-gram
with a benchmark item; pajama records every hit (benchmark, item id, matched character span) and then
drops the document, masks the spans, or only tags it (`decontaminate:` in the config).
"""
