"""Benchmarks of tinynet's backends against what a user would pick instead (see cases)."""
