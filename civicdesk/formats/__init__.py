"""Locale formats where Django's defaults do not suit Nordic users (English with 24-hour clock, day first)."""
