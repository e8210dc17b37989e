def test_fixture(full_release, docs_v2):
    assert (full_release / "manifest.json").exists()
