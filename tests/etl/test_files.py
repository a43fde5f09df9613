import hashlib

from etl.files import list_folder


def test_lists_files_flat_and_hashes_only_new_ones(tmp_path):
    (tmp_path / "b.edxml").write_bytes(b"second")
    (tmp_path / "a.edxml").write_bytes(b"first")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.edxml").write_bytes(b"not read: subfolders are ignored")
    (tmp_path / "link.edxml").symlink_to(tmp_path / "a.edxml")

    files = list_folder(tmp_path, cache={})
    assert [f.name for f in files] == ["a.edxml", "b.edxml"]
    assert files[0].sha256 == hashlib.sha256(b"first").hexdigest()

    # A cached (name, size, mtime) is trusted without reading the file again.
    cached = {files[1].cache_key: "cached-hash"}
    assert list_folder(tmp_path, cache=cached)[1].sha256 == "cached-hash"
