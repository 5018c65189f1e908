"""The stages of the simulated bash 5.2, one module each, as Oils splits its shell:

  lexer.py       characters -> tokens (words keep their quotes; here-document bodies are read here)
  parser.py      tokens -> the command tree of nodes.py, with bash's syntax errors, or Incomplete
                 when bash would show its `> ` prompt and wait for more lines
  words.py       one word -> fields: brace, tilde, parameter, command and arithmetic expansion,
                 word splitting, pathname expansion, quote removal
  arith.py       $(( )), (( )), let and array subscripts
  conditions.py  test, [ and [[ ]]
  evaluator.py   runs the tree: lists, pipelines, compound commands, functions, redirections
  builtins.py    the builtins that change the shell itself (cd, set, read, local, ...)
  printf.py      bash's printf builtin

`simulator/shell.py` holds the state of one interactive shell and puts these together.
"""
