//! Kernel, Enum, Map, List and String, for `h/1`.

use super::{FunctionDoc, ModuleDoc};

/// The documented core modules.
pub static MODULES: &[ModuleDoc] = &[
    ModuleDoc {
        module: "Kernel",
        about: "The functions and operators every module can call without naming Kernel: \
arithmetic, comparisons, type checks (is_integer/1...), spawn/1, send/2, self/0, \
inspect/1.\n\n    iex> is_atom(:ok) and 1 + 1 == 2\n    true",
        functions: &[
            FunctionDoc { name: "spawn", arity: 1, signature: "spawn(fun)", text: "Starts a new process running fun and returns its pid at once; the caller does not wait and is not told when the process ends (see spawn_link/1 and Process.monitor/1 for that).\n\n    iex> pid = spawn(fn -> :done end)\n    iex> is_pid(pid)\n    true" },
            FunctionDoc { name: "spawn_link", arity: 1, signature: "spawn_link(fun)", text: "Like spawn/1, and links the new process to the caller in the same step: if either dies abnormally, the exit signal takes the other down too (unless it traps exits).\n\n    iex> pid = spawn_link(fn -> :ok end)\n    iex> is_pid(pid)\n    true" },
            FunctionDoc { name: "send", arity: 2, signature: "send(dest, message)", text: "Puts message in the mailbox of dest (a pid or a registered name) and returns message. Sending never blocks and never fails for a dead pid.\n\n    iex> send(self(), :hello)\n    :hello\n    iex> receive do m -> m end\n    :hello" },
            FunctionDoc { name: "self", arity: 0, signature: "self()", text: "The pid of the calling process. In the REPL, the shell process that runs your entries.\n\n    iex> is_pid(self())\n    true" },
            FunctionDoc { name: "inspect", arity: 2, signature: "inspect(term, opts)", text: "The text Elixir prints for term, as a string. Options such as limit: and pretty: shape it.\n\n    iex> inspect([1, 2, 3], limit: 2)\n    \"[1, 2, ...]\"" },
            FunctionDoc { name: "elem", arity: 2, signature: "elem(tuple, index)", text: "The element of tuple at the zero-based index; raises ArgumentError when the index is out of range.\n\n    iex> elem({:ok, 42}, 1)\n    42" },
        ],
    },
    ModuleDoc {
        module: "Enum",
        about: "Eager functions over enumerables: lists, ranges, maps (as {key, value} pairs) and \
streams. Each call walks the whole collection and returns a list or a single value; \
for lazy pipelines see Stream.\n\n    iex> 1..4 |> Enum.map(&(&1 * &1)) |> Enum.sum()\n    30",
        functions: &[
            FunctionDoc { name: "map", arity: 2, signature: "map(enumerable, fun)", text: "A list with fun applied to each element, in order.\n\n    iex> Enum.map([1, 2, 3], fn x -> x * 2 end)\n    [2, 4, 6]" },
            FunctionDoc { name: "reduce", arity: 3, signature: "reduce(enumerable, acc, fun)", text: "Folds the elements into one value: fun receives each element and the accumulator so far and returns the next accumulator; the last one is the result.\n\n    iex> Enum.reduce([1, 2, 3], 0, fn x, acc -> x + acc end)\n    6" },
            FunctionDoc { name: "reduce", arity: 2, signature: "reduce(enumerable, fun)", text: "Like reduce/3 with the first element as the starting accumulator; raises Enum.EmptyError on an empty enumerable.\n\n    iex> Enum.reduce([1, 2, 3], fn x, acc -> x * acc end)\n    6" },
            FunctionDoc { name: "filter", arity: 2, signature: "filter(enumerable, fun)", text: "The elements for which fun returns a truthy value, in order.\n\n    iex> Enum.filter(1..6, fn x -> rem(x, 2) == 0 end)\n    [2, 4, 6]" },
            FunctionDoc { name: "each", arity: 2, signature: "each(enumerable, fun)", text: "Calls fun on every element for its side effects and returns :ok.\n\n    iex> Enum.each([:a, :b], &IO.inspect/1)\n    :a\n    :b\n    :ok" },
            FunctionDoc { name: "into", arity: 2, signature: "into(enumerable, collectable)", text: "Pours the elements into a collectable: a map, a MapSet, a list.\n\n    iex> Enum.into([a: 1, b: 2], %{})\n    %{a: 1, b: 2}" },
            FunctionDoc { name: "count", arity: 1, signature: "count(enumerable)", text: "The number of elements.\n\n    iex> Enum.count(%{a: 1, b: 2})\n    2" },
            FunctionDoc { name: "sum", arity: 1, signature: "sum(enumerable)", text: "The sum of the numbers; 0 for an empty enumerable.\n\n    iex> Enum.sum(1..10)\n    55" },
            FunctionDoc { name: "sort", arity: 1, signature: "sort(enumerable)", text: "The elements in ascending term order (numbers < atoms < references < functions < pids < tuples < maps < lists < binaries).\n\n    iex> Enum.sort([3, :a, 1])\n    [1, 3, :a]" },
            FunctionDoc { name: "find", arity: 2, signature: "find(enumerable, fun)", text: "The first element for which fun is truthy, or nil.\n\n    iex> Enum.find([1, 5, 10], fn x -> x > 3 end)\n    5" },
        ],
    },
    ModuleDoc {
        module: "Map",
        about: "Functions on maps: key-value stores where any term can be a key. Maps are \
immutable: every update returns a new map.\n\n    iex> Map.put(%{a: 1}, :b, 2)\n    %{a: 1, b: 2}",
        functions: &[
            FunctionDoc { name: "get", arity: 3, signature: "get(map, key, default)", text: "The value under key, or default when the key is absent.\n\n    iex> Map.get(%{a: 1}, :b, 0)\n    0" },
            FunctionDoc { name: "put", arity: 3, signature: "put(map, key, value)", text: "A map with key bound to value, replacing any earlier value.\n\n    iex> Map.put(%{a: 1}, :a, 2)\n    %{a: 2}" },
            FunctionDoc { name: "update", arity: 4, signature: "update(map, key, default, fun)", text: "A map where the value under key is fun applied to the old value, or default when the key was absent.\n\n    iex> Map.update(%{hits: 1}, :hits, 1, &(&1 + 1))\n    %{hits: 2}" },
            FunctionDoc { name: "fetch", arity: 2, signature: "fetch(map, key)", text: "{:ok, value} when key is present, :error otherwise.\n\n    iex> Map.fetch(%{a: 1}, :a)\n    {:ok, 1}" },
            FunctionDoc { name: "keys", arity: 1, signature: "keys(map)", text: "The keys of map, in term order.\n\n    iex> Map.keys(%{b: 2, a: 1})\n    [:a, :b]" },
            FunctionDoc { name: "delete", arity: 2, signature: "delete(map, key)", text: "A map without key (the same map when it was absent).\n\n    iex> Map.delete(%{a: 1, b: 2}, :a)\n    %{b: 2}" },
        ],
    },
    ModuleDoc {
        module: "List",
        about: "Functions specific to linked lists. Prepending ([x | list]) is cheap; \
reaching the end walks the whole list. Most list work is done with Enum.\n\n    iex> List.first([1, 2, 3])\n    1",
        functions: &[
            FunctionDoc { name: "first", arity: 1, signature: "first(list)", text: "The first element, or nil for an empty list.\n\n    iex> List.first([])\n    nil" },
            FunctionDoc { name: "last", arity: 1, signature: "last(list)", text: "The last element, or nil for an empty list; walks the whole list.\n\n    iex> List.last([1, 2, 3])\n    3" },
            FunctionDoc { name: "flatten", arity: 1, signature: "flatten(list)", text: "The elements of nested lists, at any depth, as one flat list.\n\n    iex> List.flatten([1, [2, [3]]])\n    [1, 2, 3]" },
            FunctionDoc { name: "keyfind", arity: 3, signature: "keyfind(list, key, position)", text: "The first tuple in list whose element at position equals key, or nil.\n\n    iex> List.keyfind([a: 1, b: 2], :b, 0)\n    {:b, 2}" },
        ],
    },
    ModuleDoc {
        module: "String",
        about: "Functions on UTF-8 strings (binaries). Lengths and slices count graphemes, \
what a reader sees as one character; byte_size/1 counts bytes.\n\n    iex> String.length(\"héllo\")\n    5",
        functions: &[
            FunctionDoc { name: "split", arity: 2, signature: "split(string, pattern)", text: "The parts of string between occurrences of pattern (a string, a list of strings or a regex).\n\n    iex> String.split(\"a,b,c\", \",\")\n    [\"a\", \"b\", \"c\"]" },
            FunctionDoc { name: "upcase", arity: 1, signature: "upcase(string)", text: "The string in upper case.\n\n    iex> String.upcase(\"otp\")\n    \"OTP\"" },
            FunctionDoc { name: "trim", arity: 1, signature: "trim(string)", text: "The string without leading and trailing whitespace.\n\n    iex> String.trim(\"  hi\\n\")\n    \"hi\"" },
            FunctionDoc { name: "to_integer", arity: 1, signature: "to_integer(string)", text: "The integer written in string; raises ArgumentError if it is not one.\n\n    iex> String.to_integer(\"42\")\n    42" },
            FunctionDoc { name: "length", arity: 1, signature: "length(string)", text: "The number of graphemes in string.\n\n    iex> String.length(\"otp\")\n    3" },
        ],
    },
];
