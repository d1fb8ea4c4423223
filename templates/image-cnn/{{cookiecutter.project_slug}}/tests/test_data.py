"""The data stage on a learner's image folder: a uniform, split image folder, or one clear error."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.core.errors import DataError
from {{ cookiecutter.package_name }}.core.stage import run_stage
from {{ cookiecutter.package_name }}.data import build_dataset, main

from .tiny import CLASSES, IMAGE_SIZE, PER_CLASS, draw, edit_params, write_photo_folder


def read_rows() -> list[dict[str, str]]:
    with open("data/splits.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_png_and_jpeg_of_mixed_sizes_become_one_uniform_image_folder(project):
    summary = build_dataset(load_config())

    assert summary["classes"] == list(CLASSES)
    assert summary["images"] == len(CLASSES) * PER_CLASS
    assert summary["splits"] == {"train": 24, "val": 6, "test": 6}
    assert json.loads(Path("data/dataset.json").read_text(encoding="utf-8")) == summary
    written = sorted(Path("data/images").rglob("*"))
    files = [path for path in written if path.is_file()]
    assert len(files) == summary["images"]
    for path in files:
        with Image.open(path) as image:
            assert (image.format, image.mode, image.size) == ("PNG", "L", (IMAGE_SIZE, IMAGE_SIZE))
    sources = {Path(row["source"]).suffix for row in read_rows()}
    assert sources == {".png", ".jpg"}


def test_the_split_is_stratified_and_the_same_for_the_same_seed(project):
    build_dataset(load_config())
    first = read_rows()
    for label in CLASSES:
        splits = [row["split"] for row in first if row["label"] == label]
        assert (splits.count("train"), splits.count("val"), splits.count("test")) == (8, 2, 2)

    build_dataset(load_config())
    assert read_rows() == first
    edit_params({"seed": 7})
    build_dataset(load_config())
    assert read_rows() != first


def test_other_files_are_ignored_and_nested_folders_are_read(project):
    (project / "data/raw/circle/notes.txt").write_text("not an image", encoding="utf-8")
    (project / "data/raw/circle/.hidden.png").write_bytes(b"")
    (project / "data/raw/circle/more").mkdir()
    draw("circle", (30, 30), seed=99).save(project / "data/raw/circle/more/extra.png")

    summary = build_dataset(load_config())
    assert summary["per_class"]["circle"] == PER_CLASS + 1


def test_corrupt_images_stop_the_stage_naming_every_file(project):
    (project / "data/raw/cross/broken.png").write_bytes(b"\x89PNG\r\n\x1a\n this is not a png")
    whole = (project / "data/raw/square/001.jpg").read_bytes()
    (project / "data/raw/square/cut.jpg").write_bytes(whole[: len(whole) // 2])

    with pytest.raises(DataError) as caught:
        build_dataset(load_config())
    message = str(caught.value)
    assert "2 image file(s) cannot be read" in message
    assert "cross/broken.png" in message and "square/cut.jpg" in message
    assert not Path("data/images").exists()  # nothing half-written is left behind


def test_an_empty_class_folder_is_named(project):
    (project / "data/raw/triangle").mkdir()
    (project / "data/raw/triangle/readme.md").write_text("todo", encoding="utf-8")

    with pytest.raises(DataError, match="class folder\\(s\\) with no images in .*: triangle"):
        build_dataset(load_config())


def test_a_single_class_is_refused(project, tmp_path):
    single = tmp_path / "single"
    single.mkdir()
    (project / "data/raw/cross").rename(single / "cross")
    edit_params({"data": {"folder": str(single)}})

    with pytest.raises(DataError, match="only one class \\('cross'\\).*two or more"):
        build_dataset(load_config())


def test_a_link_to_a_file_outside_the_image_folder_is_refused(project, tmp_path):
    # The link was followed: a private file became a training image, and data/images/ copied it.
    private = tmp_path / "private.png"
    draw("circle", seed=5).save(private)
    (project / "data/raw/circle/linked.png").symlink_to(private)

    with pytest.raises(DataError, match="1 image file\\(s\\) under .* are links to files outside"):
        build_dataset(load_config())
    assert not Path("data/images").exists()


def test_a_link_within_the_image_folder_is_read(project):
    first = sorted((project / "data/raw/circle").iterdir())[0]
    (project / "data/raw/circle" / f"again{first.suffix}").symlink_to(first)

    assert build_dataset(load_config())["per_class"]["circle"] == PER_CLASS + 1


def test_a_class_with_too_few_images_is_named(project):
    for path in sorted((project / "data/raw/square").iterdir())[2:]:
        path.unlink()

    with pytest.raises(DataError, match="class 'square' has 2 image\\(s\\); each class needs 3"):
        build_dataset(load_config())


def test_a_missing_folder_says_where_images_go(project):
    edit_params({"data": {"folder": "data/photos"}})

    with pytest.raises(DataError, match="'data/photos' is not a folder.*one sub-folder per class"):
        build_dataset(load_config())


def test_the_stage_prints_one_error_line_and_exits_1(project, capsys, monkeypatch):
    monkeypatch.delenv("DEBUG", raising=False)
    (project / "data/raw/cross/broken.png").write_bytes(b"junk")

    with pytest.raises(SystemExit) as caught:
        run_stage(main)
    assert caught.value.code == 1
    error = capsys.readouterr().err
    assert error.startswith("error: 1 image file(s) cannot be read") and "Traceback" not in error


def test_the_default_digits_are_written_as_an_image_folder(project):
    edit_params({"data": {"source": "sklearn-digits", "max_images_per_class": 5}})

    summary = build_dataset(load_config())
    assert summary["classes"] == [str(digit) for digit in range(10)]
    assert summary["images"] == 50
    with Image.open(next(Path("data/images/7").iterdir())) as image:
        assert image.size == (IMAGE_SIZE, IMAGE_SIZE)


def use_photos(changes: dict | None = None) -> None:
    shutil.rmtree("data/raw")
    write_photo_folder(Path("data/raw"))
    edit_params({"data": {"image_size": "auto", "channels": "auto", **(changes or {})}})


def test_colour_photographs_are_fed_as_128_px_rgb_and_the_stage_says_so(project, capsys):
    use_photos()

    main()
    output = capsys.readouterr().out
    line = "data: colour photographs (typically 96x80 px), fed to the network as 128x128 RGB"
    assert line in output
    dataset = json.loads(Path("data/dataset.json").read_text(encoding="utf-8"))
    assert dataset["photos"] is True and dataset["kind"] == "colour photographs"
    assert (dataset["image_size"], dataset["channels"]) == (128, 3)
    with Image.open(next(Path("data/images/circle").iterdir())) as image:
        assert (image.mode, image.size) == ("RGB", (128, 128))
    checks = json.loads(Path("reports/data_checks.json").read_text(encoding="utf-8"))
    assert checks["warnings"] == []


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"channels": 1}, "data.channels: 1 turns them into grayscale"),
        ({"image_size": 32}, "data.image_size: 32 shrinks them"),
    ],
    ids=["grayscale", "small"],
)
def test_colour_photographs_made_gray_or_small_are_a_warning(project, capsys, changes, said):
    use_photos(changes)

    main()
    output = capsys.readouterr().out
    assert f"warning: the images are colour photographs (typically 96x80 px) but {said}" in output
    checks = json.loads(Path("reports/data_checks.json").read_text(encoding="utf-8"))
    assert any(said in warning for warning in checks["warnings"])  # carried onto the page


def test_small_images_mostly_gray_are_fed_as_16_px_grayscale_with_auto(project, capsys):
    # The tiny folder: 20-48 px drawings, one in three in colour.
    edit_params({"data": {"image_size": "auto", "channels": "auto"}})

    summary = build_dataset(load_config())
    assert (summary["photos"], summary["image_size"], summary["channels"]) == (False, 16, 1)
    assert summary["kind"] == "grayscale images"
    # No warning about the images themselves (only, in a default project, the one that the tiny
    # folder is still described as the digits in params.yaml).
    warnings = [line for line in capsys.readouterr().out.splitlines() if "warning" in line]
    assert [line for line in warnings if "data.about still describes" not in line] == []
