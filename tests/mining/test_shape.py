"""What may start, end or sit inside a term (glossary.mining.shape)."""

import pytest

from glossary.config import load_settings
from glossary.mining.segment import Segmenter, Token, read_user_dict
from glossary.mining.shape import Lexicon, clauses, has_predicate, is_candidate


@pytest.fixture(scope="module")
def lexicon():
    return Lexicon.from_settings(load_settings().mining)


def tag(text):
    return Segmenter(engine="jieba").tag(text)


def test_clauses_break_at_punctuation_and_title_brackets():
    runs = clauses(tag("《阿布扎比宣言》重申了任务，并支持中等收入国家。"))
    assert ["".join(t.word for t in run) for run in runs] == ["阿布扎比宣言", "重申了任务", "并支持中等收入国家"]


def test_candidate_shape(lexicon):
    def words(*pairs):
        return [Token(w, p, 0) for w, p in pairs]

    assert is_candidate(words(("国家", "n"), ("伙伴关系", "n"), ("方案", "n")), lexicon)
    assert is_candidate(words(("技术", "n"), ("转让", "v")), lexicon)  # a noun nominalises the verb head
    assert not is_candidate(words(("支持", "v"), ("中等", "b"), ("收入", "v"), ("国家", "n")), lexicon)
    assert not is_candidate(words(("工发", "j"), ("组织", "n"), ("的", "uj")), lexicon)  # particle at the edge
    assert not is_candidate(words(("文件", "n"), ("介绍", "v"), ("了", "ul"), ("工发", "j"), ("组织", "n")), lexicon)
    assert not is_candidate(words(("提供", "v"),), lexicon)  # a generic verb
    assert not is_candidate(words(("方面", "n"),), lexicon)  # a generic noun
    # a year or count opens a name when a noun or 年 follows it (2030|年|议程, 77|国|集团), not otherwise
    assert is_candidate(words(("2030", "m"), ("年", "m"), ("议程", "n")), lexicon)
    assert is_candidate(words(("77", "m"), ("国", "n"), ("集团", "n")), lexicon)
    assert not is_candidate(words(("2019", "m"), ("年", "m")), lexicon)
    assert not is_candidate(words(("三", "m"), ("个", "q"), ("项目", "n")), lexicon)  # a count of things
    assert not is_candidate(words(("2019", "m"), ("年", "m"), ("的", "uj"), ("报告", "n")), lexicon)


def test_a_plain_verb_after_the_opening_word_is_a_predicate(lexicon):
    """会议|开幕 (the meeting opens) and 总务委员会|提请|大会 are clauses; a verb opening a name (包容|和|可持续…),
    after a name prefix (不|限|成员名额|工作组) or nominalised (能力|建设, vn) is not."""
    def shaped(text):
        tokens = mining_segmenter.tag(text)  # with the project's user dictionary, as mining reads text (可持续 a)
        return has_predicate([t.word for t in tokens], [t.pos for t in tokens], lexicon)

    mining_segmenter = Segmenter(user_words=read_user_dict(load_settings().mining.user_dict))

    assert shaped("会议开幕") and shaped("总务委员会提请大会") and shaped("委员会赞赏")
    assert not shaped("包容和可持续工业发展")
    assert not shaped("不限成员名额工作组")
    assert not shaped("能力建设")


def test_page_furniture_and_symbols_are_no_part_of_a_term(lexicon):
    """Web copies glue the site's title bar to a name (经济及社会理事会-UnitedNations); a document symbol's parts
    (Add.9/Rev.2) are a reference; an acronym or code in a name stays (COVID-19大流行病)."""
    def words(*pairs):
        return [Token(w, p, 0) for w, p in pairs]

    assert not is_candidate(words(("经济", "n"), ("及", "c"), ("社会", "n"), ("理事会", "n"), ("-", "x"),
                                  ("United", "eng"), ("Nations", "eng")), lexicon)
    assert not is_candidate(words(("Add.9", "eng"), ("/", "x"), ("Rev.2", "eng"), ("第", "m"), ("2", "m"),
                                  ("条", "q")), lexicon)
    assert is_candidate(words(("COVID", "eng"), ("-", "x"), ("19", "m"), ("大流行病", "n")), lexicon)


def test_a_numbered_session_or_report_names_an_instance(lexicon):
    """大会|第五十四届|常会 and 第九次|会议 are occasions; 第四次|工业革命 is a name that holds a count."""
    from glossary.mining.shape import names_an_instance

    assert names_an_instance(["大会", "第五十四届", "常会"], lexicon)
    assert names_an_instance(["斯里兰卡", "第五次", "定期", "报告"], lexicon)
    assert names_an_instance(["第九次", "会议"], lexicon)
    assert not names_an_instance(["第四次", "工业革命"], lexicon)
    assert not names_an_instance(["第三个", "非洲", "工业", "发展", "十年"], lexicon)


def test_a_one_word_place_name_is_recognised_by_tag_and_dictionary():
    """摩纳哥 (ns, CC-CEDICT 'Monaco') is a place; 南南合作 (tagged ns by jieba, unknown to CC-CEDICT) is not, nor is
    an organisation (安理会, nt)."""
    from glossary.mining.shape import is_place_name

    assert is_place_name("摩纳哥", "ns") and is_place_name("中非共和国", "ns")
    assert not is_place_name("南南合作", "ns")
    assert not is_place_name("安理会", "nt")


def test_a_verb_right_before_a_closing_name_governs_it(lexicon):
    """革新|联合国 (reform the United Nations) is a verb and its object; 联合国|发展|系统 ends in a common noun."""
    assert has_predicate(["革新", "联合国"], ["vn", "nt"], lexicon)
    assert has_predicate(["审查", "联合国"], ["vn", "nt"], lexicon)
    assert not has_predicate(["联合国", "发展", "系统"], ["nt", "vn", "n"], lexicon)
