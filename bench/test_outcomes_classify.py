"""The outcome benchmark's helpers: the generator and the output checks (no timing)."""

from outcomes_classify import check, commands, run_timed, write_episodes


def test_the_same_seed_writes_the_same_file(tmp_path):
    first = write_episodes(tmp_path / "a.csv", 300, seed=4).read_bytes()
    second = write_episodes(tmp_path / "b.csv", 300, seed=4).read_bytes()
    other = write_episodes(tmp_path / "c.csv", 300, seed=5).read_bytes()
    assert first == second != other


def test_the_checks_pass_on_real_output_and_fail_on_a_changed_row(tmp_path):
    source = write_episodes(tmp_path / "episodes.csv", 400, seed=3)
    argv = commands(source)
    outputs = {}
    for name in ("classify", "summarise"):
        outputs[name] = tmp_path / f"{name}.out"
        assert run_timed(argv[name], outputs[name], tmp_path / f"{name}.err").status == 0
    assert check(source, outputs["classify"], outputs["summarise"], seed=3) == []

    lines = outputs["classify"].read_text().splitlines()
    last = lines[-1].split(",")
    last[-6] = "1" if last[-6] == "0" else "0"  # flip "finished"
    outputs["classify"].write_text("\n".join([*lines[:-1], ",".join(last)]) + "\n")
    assert check(source, outputs["classify"], outputs["summarise"], seed=3)
