import json

import pytest
from django.core.management import call_command

from sawt.core.bench import register


@register("selftest")
def _selftest(options):
    return {"answer": 42, "quick": options["quick"]}


def test_it_prints_one_json_line_last(capsys):
    call_command("bench", "selftest", "--quick")
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(last) == {"bench": "selftest", "answer": 42, "quick": True}


def test_it_refuses_an_unknown_benchmark():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="unknown benchmark"):
        call_command("bench", "no-such-bench")
