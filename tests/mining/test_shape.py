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


def test_a_common_word_of_order_before_a_common_word_names_an_instance(lexicon):
    """最后|会议 'the last meeting' (最后: jieba tag f, a word of position or order) is one of a series; a rare word of
    place opening a name (会外|活动 'side event') and a longer name are not."""
    from glossary.mining.shape import names_an_instance

    assert names_an_instance(["最后", "会议"], lexicon, ["f", "n"])
    assert not names_an_instance(["会外", "活动"], lexicon, ["f", "vn"])
    assert not names_an_instance(["最后", "工业革命"], lexicon, ["f", "nz"])
    assert not names_an_instance(["最后", "会议"], lexicon)


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


def test_a_verb_and_its_object_held_as_one_word_heads_no_name(lexicon):
    """jieba's dictionary holds 采取行动 and 构成威胁 whole and tags them as nouns; CC-CEDICT glosses the first only as a
    verb ('to take action'), the second opens with the common verb 构成. A candidate they head (第七章|采取行动,
    或|…|构成威胁) or whose coordinated part they head is a clause's piece; a name CC-CEDICT glosses as a noun
    (发达国家 'developed nation', 伙伴关系), or a verb phrase opening a name, is not."""
    from glossary.mining.shape import ends_in_verb_phrase, is_verb_phrase

    assert is_verb_phrase("采取行动", lexicon) and is_verb_phrase("构成威胁", lexicon)
    assert not is_verb_phrase("发达国家", lexicon) and not is_verb_phrase("伙伴关系", lexicon)
    assert not is_verb_phrase("任命", lexicon)  # too short to be two words
    assert ends_in_verb_phrase(["第七章", "采取行动"], lexicon)
    assert ends_in_verb_phrase(["地区", "和平", "与", "稳定", "构成威胁"], lexicon)
    assert ends_in_verb_phrase(["采取行动", "和", "监测"], lexicon)
    assert not ends_in_verb_phrase(["采取行动", "计划"], lexicon)


def test_a_word_glossed_first_as_a_verb_is_an_action_not_a_name():
    """CC-CEDICT glosses 批准 and 核准 first as verbs ('to approve'): standing alone, what a text reports; a process noun
    in 化 (城市化 'to urbanize'), an organisation's name (tag nt) and the nouns 秘书处, 缔约国 are names."""
    from glossary.mining.shape import is_verbal_word

    assert is_verbal_word("批准", "n") and is_verbal_word("核准", "n")
    assert not is_verbal_word("城市化", "n") and not is_verbal_word("工业化", "n")
    assert not is_verbal_word("秘书处", "n") and not is_verbal_word("缔约国", "n")
    assert not is_verbal_word("安理会", "nt")


def test_a_word_and_the_suffix_of_a_quality_is_no_name():
    """合法性 'legitimacy', 有效性: a word of jieba's dictionary and 性, a quality; 韧性 (韧 no word of its own) and a word
    without the suffix are left alone."""
    from glossary.mining.shape import is_quality_word

    assert is_quality_word("合法性") and is_quality_word("有效性")
    assert not is_quality_word("韧性") and not is_quality_word("合法") and not is_quality_word("性别")


def test_a_line_names_what_it_says_without_its_numbering():
    from glossary.mining.shape import line_name

    assert line_name("一、导言") == line_name(". 导言") == line_name("导言：") == line_name("第二章 导言") == "导言"
    assert line_name("《联合国宪章》1") == "联合国宪章"


def test_a_name_with_one_character_wrong_is_misspelt_when_the_text_spells_it_right():
    """汁划 is no word; one character from 计划, and the text spells 联合国开发计划署 right once: a typo. A short name no
    dictionary knows (联刚稳定团) with no such neighbour is a name; a user word is never a typo."""
    from glossary.mining.shape import misspelt_form

    text = "联合国开发汁划署的报告。联合国开发计划署和联合国开发汁划署。"
    assert misspelt_form("联合国开发汁划署", ["联合国", "开发", "汁划", "署"], text)
    assert not misspelt_form("联合国开发汁划署", ["联合国", "开发", "汁划", "署"], "联合国开发汁划署的报告。")
    assert not misspelt_form("联合国开发汁划署", ["联合国", "开发", "汁划", "署"], text, frozenset({"汁划"}))
    assert not misspelt_form("联刚稳定团", ["联刚", "稳定", "团"], "联刚稳定团和联合国的报告。联刚稳定团。")


def test_a_name_cut_before_its_number_is_counted_right_before_numbers():
    from glossary.mining.shape import before_numbers

    texts = ["非附件一缔约方和附件二缔约方提交了信息通报。", "附件三列出了秘书处的说明，见决定书12。"]
    found = before_numbers(texts, {"附件", "非附件", "缔约方", "决定书", "秘书处"}, 24)
    assert found == {"附件": 3, "非附件": 1, "决定书": 1}


def test_a_candidate_ending_a_document_cut_mid_sentence_is_counted_at_the_cut():
    """An excerpt stopping inside a sentence (…提交了区域技术合) ends candidates there: one occurrence each; a document
    ending a sentence (…信息通报。) cuts nothing."""
    from glossary.mining.shape import cut_ends

    lasts = ["秘书处提交了区域技术合", "缔约方提交了国家信息通报。", "请秘书处编写区域技术合", ""]
    found = cut_ends(lasts, {"区域技术合", "技术合", "区域技术", "信息通报", "国家信息通报"}, 24)
    assert found == {"区域技术合": 2, "技术合": 2}


def test_a_document_symbol_part_or_a_placeholder_glued_to_a_name_is_a_reference():
    from glossary.mining.shape import holds_reference, symbol_heads

    symbols = symbol_heads(["见文件ICCD/COP/2019/3。", "《公约》缔约方会议（ICCD - 网站）", "COVID-19大流行病"])
    assert symbols == {"ICCD"}
    assert holds_reference(["公约", "ICCD"], symbols)
    assert holds_reference(["第", "YY", "号", "房间"], symbols)  # a placeholder
    assert not holds_reference(["COVID", "-", "19", "大流行病"], symbols)


def test_a_piece_of_a_quoted_title_is_counted_inside_titles():
    from glossary.mining.shape import inside_titles

    texts = ["秘书长题为“加强联合国：进一步变革的纲领”的报告。", "《土著人民权利宣言》和《发展权利宣言》。", "变革的纲领"]
    found = inside_titles(texts, {"变革的纲领", "权利宣言", "发展权利宣言", "加强联合国：进一步变革的纲领"}, 24)
    assert found == {"变革的纲领": 1, "权利宣言": 2}  # a whole title is no piece of itself


def test_a_verb_no_dictionary_knows_after_a_name_prefix_is_a_predicate(lexicon):
    """非|自治|领土 opens with a verb of the language after the name prefix 非; a verb jieba's model made up across
    two words (汁划, a string no dictionary holds) is read as any plain verb after the opening word."""
    assert not has_predicate(["非", "自治", "领土"], ["h", "v", "n"], lexicon)
    assert has_predicate(["非", "汁划", "领土"], ["h", "v", "n"], lexicon)


def test_an_organisation_held_as_one_word_is_named_by_jieba_and_cc_cedict():
    """jieba tags 世界贸易组织 and 人民法院 nt; CC-CEDICT glosses the first 'World Trade Organization', the second as a
    common noun ('people's court'): a kind of body, not one organisation's name."""
    from glossary.mining.shape import is_organisation_name

    assert is_organisation_name("世界贸易组织", "nt") and is_organisation_name("国际法院", "nt")
    assert not is_organisation_name("人民法院", "nt")
    assert not is_organisation_name("世界贸易组织", "n")
