"""Issue 9, item 11: a region shows its name and its code once (栖霞区 read
“江苏省南京市（320113）（320113）”)."""

from expert_pool import regions


def test_label_shows_the_code_once():
    assert regions.label("320113") == "江苏省南京市栖霞区（320113）"
    assert regions.label("320100") == "江苏省南京市（320100）"
    unknown = regions.label("320199")
    assert unknown.count("320199") == 1 and unknown.startswith("江苏省南京市")
    assert regions.label("000000") == "全国（000000）"
