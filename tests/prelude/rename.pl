#!/usr/bin/perl -p
# Renames the prelude's modules (Enum -> PEnum, ...) so they can be loaded next to
# real Elixir's. Kept: %Range{} (the real struct the VM builds), Enum.EmptyError and
# Enum.OutOfBoundsError (real exceptions), `protocol: Enumerable` and "the Access
# behaviour" (so error messages name the real modules), and qualified names such as File.Stream.
s/(?<![\w.:"@])(?<!protocol: )(?<!the )\b(Enum|Stream|Enumerable|Map|MapSet|List|Keyword|Access|Range|Function)\b(?!\.(?:EmptyError|OutOfBoundsError)\b)(?!\.key!\/1")/P$1/g;
s/%PRange\{/%Range{/g;
s/File\.__read_lines__\(/PreludeShims.read_lines(/g;
s/^defmodule Kernel do$/defmodule PKernel do/;
s/^(\s*)defmodule P(Map|List|Keyword) do$/$1defmodule P$2 do\n$1  use PreludeShims, $2/;
# In test scripts: Kernel's nested-access functions and then/tap are called unqualified.
if ($ENV{RENAME_KERNEL_CALLS}) {
  s/(?<![\w.:])\b(then|tap|get_in|put_in|update_in|pop_in|get_and_update_in)\(/PKernel.$1(/g;
}
