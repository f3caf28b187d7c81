"""Repair steps on real excerpts of the seed documents (001 and 002 were pasted from PDFs)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st

from conftest import seed_path
from glossary.config import DATA_DIR
from glossary.errors import InputError
from glossary.corpus.repair import (
    Line,
    collapse_number_spaces,
    detach_footnote_markers,
    ends_sentence,
    find_recurring_lines,
    fold_width,
    load_boilerplate_patterns,
    normalise_line,
    rejoin_broken_lines,
    remove_boilerplate,
    repair_text,
    replace_control_characters,
    separate_footnotes,
    split_lines,
    split_long_line,
    tidy_spaces,
    to_simplified,
)

# seed 001, lines 23-45: a summary and paragraph 1, hard-wrapped with blank lines and trailing spaces
SEED_001_EXCERPT = (
    " 根据 GC.17/Res.6 号决议，本文件提出了工发组织在其任务和资源范围内与中 \n\n"
    "等收入国家展开合作的战略框架，旨在促进这些国家实现包容和可持续的工业发 \n\n"
    "展。本文件概述了工发组织与中等收入成员国家展开方案合作的规模和前景。 \n\n \n\n"
    " 一. 导言 \n\n \n\n"
    "1. 第十七次大会授权工发组织制定与中等收入国家展开合作的战略框架 \n\n"
    "（GC.17/Res.6）。该重要步骤是在题为“中等收入国家可持续发展和国际合作所面 \n\n"
    "临的挑战：网络促进繁荣的作用”的里程碑式的圣何塞宣言（IDB.41/Dec.4）于 2013 \n\n"
    "年 6 月通过五年后采取的，这也是《2030 年可持续发展议程》，包括 17 项可持续发 \n\n"
    "展目标通过两年之后。 \n\n"
    "2. 工发组织与中等收入国家建立伙伴关系的战略框架的依据是，本组织鉴于中等 \n\n"
    "收入国家作为发展的接受者和贡献者的双重角色而视其为主要合作伙伴。 \n"
)

# seed 002, lines 25-56 and 125-135: footnote bodies, the rule, the notice and the hyperlinks
# interleaved with running text; paragraph 9 is broken by a page break in mid-sentence
SEED_002_PAGE = (
    "1. 继 2019 年可持续发展目标峰会之后，联合国秘书长发起行动十年 1，呼吁加 \n\n"
    "快落实《2030 年可持续发展议程》。在可持续发展目标峰会上，联合国会员国重申\n\n"
    "了《2030 年议程》的变革性愿景，同时对许多领域进展缓慢表示关切。 \n\n"
    "2. 随着 COVID-19 大流行的爆发，在国际社会利用复苏的机会力争实现经济更\n\n"
    "加绿色、包容、强大和更具韧性之时，实现可持续发展目标的需要至关重要。工业\n\n"
    "在应对危机方面可发挥重要作用，从而凸显了目标 9 所载包容及可持续工业发展的\n\n"
    "重要性 2工业提供了必需品、食品和医药产品。此外，工业是一个随着继续提供就\n\n"
    "业和创收的技术和数字化的进步而在不断发展的部门。 \n  \n  \n\n"
    "__________________ \n\n"
    " * 因技术原因于 2020 年 10 月 22 日重发。 \n"
    " 1 https://www.un.org/sustainabledevelopment/decade-of-action/。 \n"
    " 2 见 A/75/158。 \n \n \n \n\n"
    "为节约起见，本文件未作印发。敬请各位代表自带文件与会。 \n\n"
    "https://www.un.org/sustainabledevelopment/decade-of-action/\n"
    "https://undocs.org/en/A/75/158\n"
    "  二. 全球层面的后续落实和评估 \n \n"
    "9. 在这场大流行病爆发之前，随着数字业和传统制造业的融合，第四次工业革命\n\n"
    "给制造业带来了迅猛并且前所未有的变化。在为因应 COVID-19 而采取了不同寻常\n\n"
    "__________________ \n\n"
    " 3 截至 2020 年 8 月：柬埔寨、科特迪瓦、埃及、埃塞俄比亚、吉尔吉斯斯坦、摩洛哥、秘鲁、卢\n\n"
    "旺达、塞内加尔和赞比亚。 \n"
    " 的封锁做法后，这场大流行病出人意料地加速了数字化的步伐，因为可行的技术解\n\n"
    "决方案有助于最大限度地降低对业务连续性和供应链的干扰。 \n"
)


def lines_of(text: str) -> list[Line]:
    return split_lines(text)


# ------------------------------------------------------------------ to_simplified


def test_to_simplified_converts_seed_003_character_and_keeps_length():
    text = "落实和实施的任務。GC.19/9 号文件"          # seed 003, paragraph 8
    converted, count = to_simplified(text)
    assert converted == "落实和实施的任务。GC.19/9 号文件"
    assert count == 1
    assert len(converted) == len(text)


def test_to_simplified_leaves_simplified_text_alone():
    text = seed_path("000").read_text(encoding="utf-8")
    assert to_simplified(text) == (text, 0)


# ------------------------------------------------------------------ fold_width


def test_fold_width_makes_seed_003_punctuation_full_width():
    # seed 003 mixes half-width punctuation into Chinese sentences
    assert fold_width("正如 IDB.49/17 号文件所概述的,《2030 年议程》") == ("正如 IDB.49/17 号文件所概述的，《2030 年议程》", 1)
    assert fold_width("两个尤为重要的问题:首先,它强调了") == ("两个尤为重要的问题：首先，它强调了", 2)
    assert fold_width("第三个非洲工业发展十年(2016-2025 年)的拟订")[0] == "第三个非洲工业发展十年（2016-2025 年）的拟订"
    assert fold_width("《阿布扎比宣言》(GC.18/Res.1) 紧随")[0] == "《阿布扎比宣言》（GC.18/Res.1） 紧随"


@pytest.mark.parametrize("latin", [
    "理事会第 IDB.44/Dec.9(e)㈠号决定",                   # symbol with a sub-paragraph letter
    "随着 COVID-19 大流行的爆发",
    "2022-2031 年最不发达国家业务战略",
    "见：<https://datahelpdesk.worldbank.org/x?a=1,b:2>。",  # URL with , : ?
    "是因为：(a)工业和经济多样化稀缺；(b)中等收入国家",     # list labels stay half-width
    "约 6,980 万欧元",
    "Distr.: General",
])
def test_fold_width_keeps_latin_runs_half_width(latin):
    assert fold_width(latin) == (latin, 0)


def test_fold_width_folds_full_width_letters_digits_and_spaces_only():
    assert fold_width("ＩＤＢ．５２／９号文件　共１２３人") == ("IDB.52/9号文件 共123人", 12)
    # NFKC would fold these; they are not width variants in Chinese text
    assert fold_width("㈠ 脚注¹。、《》")[0] == "㈠ 脚注¹。、《》"


# ------------------------------------------------------------------ boilerplate


def test_boilerplate_patterns_catch_all_three_notice_wordings_and_page_furniture():
    patterns = load_boilerplate_patterns(DATA_DIR / "boilerplate.txt")
    lines = lines_of(
        "为节约起见，本文件未作印发。敬请各位代表自带文件与会。\n"          # seeds 001-003
        "出于可持续性的原因，本文件未作印发。敬请各位代表参阅所有文件的电子版。\n"  # seed 000
        "为可持续性原因，本文件未作打印。敬请各位代表参阅所有文件的电子版。\n"  # seed 004
        "V.20-05012\n*2007123*\n 3 \nDistr.: General\n"
        "工发组织继续为拉丁美洲和加勒比区域实施可持续发展目标 9 加速器平台。\n"
        "本文件介绍了工发组织依照 GC.15/Res.1 号决议\n"
    )
    kept, removed, counts = remove_boilerplate(lines, patterns)
    assert counts == {"boilerplate_lines": 3, "page_furniture": 4}
    assert [line.text for line in kept if line.text] == [
        "工发组织继续为拉丁美洲和加勒比区域实施可持续发展目标 9 加速器平台。",
        "本文件介绍了工发组织依照 GC.15/Res.1 号决议",
    ]
    assert "V.20-05012" in removed


def test_the_licence_notice_of_web_copies_is_boilerplate():
    # Chinese Wikisource's notice on the UN documents it copies, in one document only (too rare to recur)
    patterns = load_boilerplate_patterns(DATA_DIR / "boilerplate.txt")
    lines = lines_of(
        "本作品来自联合国官方文件。此组织之政策为于公有领域保存其大部份文献,以尽可能广泛宣传联合国出版物。\n"
        "根据ST/AI/189/Add.9/Rev.2第2条(仅供英文版),下列联合国文件在全球属于公有领域:\n"
        "传统知识进入公有领域的问题仍在讨论。\n"
    )
    kept, removed, counts = remove_boilerplate(lines, patterns)
    assert counts == {"boilerplate_lines": 2, "page_furniture": 0}
    assert [line.text for line in kept if line.text] == ["传统知识进入公有领域的问题仍在讨论。"]


def test_a_notice_introducing_a_list_takes_its_items():
    # a licence notice ending in a colon lists the kinds of document it covers: those items are the notice's too,
    # up to the first line that is no list item; a line that only recurs takes no list
    patterns = load_boilerplate_patterns(DATA_DIR / "boilerplate.txt")
    lines = lines_of(
        "下列文件在全球属于公有领域:\n\n"
        "  1. 会议的正式文件(决议、报告等);\n"
        "- 印有徽标的出版物;\n"
        "(c)宣传材料(售品除外)。\n"
        "工作方案经理事会核可。\n"
        "2. 执行情况报告。\n"
    )
    kept, removed, counts = remove_boilerplate(lines, patterns)
    assert counts["boilerplate_lines"] == 4
    assert [line.text for line in kept if line.text] == ["工作方案经理事会核可。", "2. 执行情况报告。"]
    lead_in = "理事会决定核可下列各项方案："
    kept, removed, counts = remove_boilerplate(lines_of(f"{lead_in}\n1. 工作方案。\n"), patterns,
                                               {normalise_line(lead_in)})
    assert removed == [lead_in]


def test_recurring_lines_need_enough_documents_and_skip_titles():
    notice = "本报告所用名称及其编写方式并不意味着秘书处对任何国家的法律地位发表任何意见。"
    docs = [f"工业发展理事会\n总干事的报告\n{notice}\n{n}. 正文第{n}段。" for n in range(3)]
    recurring = find_recurring_lines(docs, min_docs=3)
    assert len(recurring) == 1                          # the notice; not the short title lines
    assert find_recurring_lines(docs[:2], min_docs=3) == frozenset()
    kept, removed, counts = remove_boilerplate(lines_of(docs[0]), load_boilerplate_patterns(DATA_DIR / "boilerplate.txt"), recurring)
    assert removed == [notice] and counts["boilerplate_lines"] == 1


def test_bad_boilerplate_pattern_names_the_file_and_line(tmp_path):
    path = tmp_path / "boilerplate.txt"
    path.write_text("# comment\n[notice]\n本文件(未作\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 3: invalid pattern"):
        load_boilerplate_patterns(path)


# ------------------------------------------------------------------ separate_footnotes


def test_separate_footnotes_takes_bodies_rule_and_links_out_of_seed_002():
    lines = split_lines(SEED_002_PAGE)
    patterns = load_boilerplate_patterns(DATA_DIR / "boilerplate.txt")
    lines, _, _ = remove_boilerplate(lines, patterns)
    kept, notes, counts = separate_footnotes(lines)
    assert counts == {"footnote_bodies": 4, "footnote_links": 2, "rules": 2}
    assert [(n.marker, n.text) for n in notes] == [
        ("*", "因技术原因于 2020 年 10 月 22 日重发。"),
        ("1", "https://www.un.org/sustainabledevelopment/decade-of-action/。"),
        ("2", "见 A/75/158。"),
        (None, "https://www.un.org/sustainabledevelopment/decade-of-action/"),
        (None, "https://undocs.org/en/A/75/158"),
        # the body broken at the margin (卢 / 旺达) continues; the running text after it does not
        ("3", "截至 2020 年 8 月：柬埔寨、科特迪瓦、埃及、埃塞俄比亚、吉尔吉斯斯坦、摩洛哥、秘鲁、卢旺达、塞内加尔和赞比亚。"),
    ]
    running = "".join(line.text for line in kept)
    assert "的封锁做法后" in running and "重发" not in running and "https" not in running


def test_superscript_footnote_bodies_of_seed_000_need_no_rule():
    lines = lines_of(
        "1. 世界银行称，目前工发组织有103个成员国被列为中等收入国家。¹\n\n"
        "¹ 截至2024年9月4日的数字。世界银行按收入对国家的分类见：<https://datahelpdesk.worldbank.org/>。\n"
    )
    kept, notes, counts = separate_footnotes(lines)
    assert [(n.marker, n.text[:11]) for n in notes] == [("1", "截至2024年9月4日")]
    assert counts["footnote_bodies"] == 1 and counts["rules"] == 0


def test_numbered_lines_outside_a_footnote_area_stay_running_text():
    # a wrapped line may start with a number (seed 002, paragraph 7): no rule above it, so no footnote
    lines = lines_of("例如，经在政府强有力领导下埃塞俄比亚\n20 个发展伙伴的彼此合作，该国国家伙伴关系方案得以能协助利用资源。\n")
    kept, notes, counts = separate_footnotes(lines)
    assert notes == [] and len([line for line in kept if line.text]) == 2


# ------------------------------------------------------------------ rejoin_broken_lines


def test_rejoin_joins_words_broken_across_blank_lines_in_seed_001():
    blocks, joins = rejoin_broken_lines(lines_of(SEED_001_EXCERPT))
    texts = [block.text for block in blocks]
    assert texts[0] == (
        "根据 GC.17/Res.6 号决议，本文件提出了工发组织在其任务和资源范围内与中等收入国家展开合作的战略框架，"
        "旨在促进这些国家实现包容和可持续的工业发展。本文件概述了工发组织与中等收入成员国家展开方案合作的规模和前景。"
    )
    assert texts[1] == "一. 导言"
    assert texts[2].startswith("1. 第十七次大会") and texts[2].endswith("包括 17 项可持续发展目标通过两年之后。")
    assert "于 2013年 6 月" in texts[2]                  # digit + CJK across the break: no space
    assert texts[3].startswith("2. ") and "中等收入国家作为" in texts[3]
    assert len(blocks) == 4 and joins == 7


def test_rejoin_keeps_title_lines_separate_and_rejoins_seed_004_split_title():
    header = "大会\n\n第二十届会议\n\n临时议程项目21\n\n工发组织与《最不发达国家维也纳  \n部长级宣言》有关的活动\n\n## 总干事的报告\n"
    blocks, joins = rejoin_broken_lines(split_lines(header))
    assert [block.text for block in blocks] == [
        "大会", "第二十届会议", "临时议程项目21", "工发组织与《最不发达国家维也纳部长级宣言》有关的活动", "总干事的报告",
    ]
    assert joins == 1


def test_rejoin_is_not_fooled_by_an_item_after_a_colon():
    # seed 002, paragraph 13: the line ends with "：" at the margin, then items follow
    text = (
        "13. 在组织方面，内部业务为组织方面的活动取得成效提供支持并提升了组织活\n\n"
        "动的成效，从而有助于提高努力实现《2030 年议程》的方案成效： \n\n"
        " (a) 在工发组织公共和私营部门伙伴的继续大力支持下，工发组织今后将要执\n\n"
        "行的项目和方案组合的数额前所未有，高达 5.866 亿美元； \n\n"
        " (b) 2019 年，工发组织法律事务办公室与各国政府、国际组织、国家组织和其\n\n"
        "他实体谈判并缔结了 130 多项协议和安排。 \n"
    )
    blocks, _ = rejoin_broken_lines(lines_of(text))
    assert [block.text[:4] for block in blocks] == ["13. ", "(a) ", "(b) "]


def test_repaired_seed_001_has_all_56_mentions_of_middle_income_countries(seed_docs):
    raw = seed_path("001").read_text(encoding="utf-8")
    assert raw.count("中等收入国家") == 48
    assert seed_docs["001"].text.count("中等收入国家") == 56


@pytest.mark.parametrize("number", ["001", "002"])
def test_no_sentence_of_a_pdf_paste_is_split_at_a_line_end(seed_docs, number):
    doc = seed_docs[number]
    for paragraph in doc.paragraphs:
        if paragraph.kind in ("body", "item"):
            assert ends_sentence(paragraph.text), paragraph.text
    numbers = [int(p.number) for p in doc.paragraphs if p.number]
    assert numbers == list(range(1, len(numbers) + 1))


def test_page_break_inside_a_sentence_of_seed_002_is_rejoined_across_footnotes(seed_docs):
    doc = seed_docs["002"]
    by_number = {p.number: p.text for p in doc.paragraphs if p.number}
    assert "采取了不同寻常的封锁做法后，这场大流行病" in by_number["9"]
    items = [p.text for p in doc.paragraphs if p.kind == "item"]
    assert "特别是与国际贸易中心、劳工组织、联合国贸易和发展会议" in items[-1]
    assert [f.number for f in doc.footnotes if f.number] == ["*", "1", "2", "3", "4"]


# ------------------------------------------------------------------ detach_footnote_markers


def test_detach_footnote_markers_of_seed_002():
    texts = [
        "联合国秘书长发起行动十年 1，呼吁加快落实《2030 年可持续发展议程》。",
        "凸显了目标 9 所载包容及可持续工业发展的重要性 2工业提供了必需品、食品和医药产品。",
        "在 10 个国家 3落实国家伙伴关系方案仍然是工发组织的一个主要方案重点。",
        "这些协议和安排大多涉及本组织支持《2030 年议程》的资金和合作活动；4",
    ]
    cleaned, markers, count = detach_footnote_markers(texts, ["*", "1", "2", "3", "4"])
    assert cleaned == [
        "联合国秘书长发起行动十年，呼吁加快落实《2030 年可持续发展议程》。",
        "凸显了目标 9 所载包容及可持续工业发展的重要性工业提供了必需品、食品和医药产品。",
        "在 10 个国家落实国家伙伴关系方案仍然是工发组织的一个主要方案重点。",
        "这些协议和安排大多涉及本组织支持《2030 年议程》的资金和合作活动；",
    ]
    assert markers == [(0, "1"), (1, "2"), (2, "3"), (3, "4")] and count == 4


def test_detach_superscript_markers_of_seed_000():
    texts = ["目前工发组织有103个成员国被列为中等收入国家。¹", "新改造的工发组织知识中心，² 这是一个平台。"]
    cleaned, markers, count = detach_footnote_markers(texts, ["1", "2"])
    assert cleaned == ["目前工发组织有103个成员国被列为中等收入国家。", "新改造的工发组织知识中心， 这是一个平台。"]
    assert count == 2


def test_detach_footnote_markers_leaves_real_numbers_alone():
    texts = [
        "包括 17 项可持续发展目标通过两年之后。",
        "通过实施具体目标 9 促进其成员国实现包容和可持续的工业发展。",
        "这也是《2030 年可持续发展议程》。",
        "目前工发组织有103个成员国被列为中等收入国家。",
        "特别是可持续发展目标 1、2、8、9、12、13和 17。",
    ]
    # even when footnotes with most of those numbers exist (a footnote 17 would make "和 17。"
    # ambiguous: it has the shape of "行动十年 1，")
    assert detach_footnote_markers(texts, ["1", "2", "8", "9", "13"]) == (texts, [], 0)


# ------------------------------------------------------------------ spacing


def test_collapse_number_spaces_only_around_plain_numbers():
    text = "2018 年 11 月 26 日至 28 日，会议室文件 IDB.51/CRP.4 提交，随着 COVID-19 大流行，第 70/293 号决议，1.79 亿欧元，58 %的穷人"
    assert collapse_number_spaces(text) == (
        "2018年11月26日至28日，会议室文件 IDB.51/CRP.4 提交，随着 COVID-19 大流行，第70/293号决议，1.79亿欧元，58%的穷人", 11)


def test_tidy_spaces_around_chinese_punctuation():
    assert tidy_spaces("知识中心， 这是 一个平台 。 ") == ("知识中心，这是一个平台。", 3)


# ------------------------------------------------------------------ orchestrator


def test_repair_text_counts_every_step_on_seed_002(settings):
    raw = seed_path("002").read_text(encoding="utf-8")
    result = repair_text(raw, settings.corpus)
    assert result.counts["footnote_markers"] == 4
    assert result.counts["footnote_bodies"] == 5
    assert result.counts["footnote_links"] == 2
    assert result.counts["rules"] == 3
    assert result.counts["boilerplate_lines"] == 1
    assert result.counts["rejoined_lines"] > 50
    assert result.header_size == 7
    assert result.text.startswith("工业发展理事会\n第四十八届会议\n2020年11月23日至25日，维也纳\n")
    assert "本文件未作印发" in result.boilerplate[0]


def test_steps_switch_off_from_settings(settings):
    raw = SEED_001_EXCERPT + "落实和实施的任務。\n"
    off = settings.replace(rejoin_broken_lines=False, to_simplified=False).corpus
    result = repair_text(raw, off)
    assert result.counts["rejoined_lines"] == 0 and result.counts["traditional_converted"] == 0
    assert result.paragraphs[0].text.endswith("在其任务和资源范围内与中")
    assert "任務" in result.text
    on = repair_text(raw, settings.corpus)
    assert len(on.paragraphs) < len(result.paragraphs) and "任务" in on.text


def test_quotation_running_over_several_paragraphs_is_not_joined():
    # Chinese typesetting opens “ on every quoted paragraph and closes it only on the last one
    text = "“各国应当加强合作，促进包容和可持续的工业发展。\n“各国还应当交流经验。”\n"
    blocks, joins = rejoin_broken_lines(lines_of(text))
    assert len(blocks) == 2 and joins == 0


# the running text after the title lines (two paragraphs of E/2020/57, not hard-wrapped)
BROKEN_HEADING_BODY = (
    "1. 根据大会第70/1号决议，秘书长与联合国系统合作，谨转递2020年实现可持续发展目标进展情况报告。本报告根据全球指标框架中"
    "各项指标的最新数据，概述了全球实现各项目标的现状。\n\n"
    "2. 截至2020年初，各国在实现可持续发展目标方面取得了进展，但进展不均衡，在许多领域仍远未达到实现目标所需的速度和规模。\n"
)


def test_heading_broken_in_two_is_rejoined_where_the_document_prints_it_whole():
    # the title lines of a web copy of E/2020/57: the second heading is broken after 可持续, which another heading of
    # the same document prints unbroken
    text = ("高级别部分:经济及社会理事会主持召开的\n\n可持续发展高级别政治论坛部长级会议\n\n"
            "经济及社会理事会主持召开的可持续\n\n发展高级别政治论坛\n\n实现可持续发展目标进展情况\n\n秘书长的报告\n\n"
            + BROKEN_HEADING_BODY)
    blocks, joins = rejoin_broken_lines(lines_of(text))
    assert [b.text for b in blocks][2:4] == ["经济及社会理事会主持召开的可持续发展高级别政治论坛", "实现可持续发展目标进展情况"]
    assert joins == 1


def test_headings_that_merely_follow_each_other_stay_apart():
    # nothing else in the document prints 秘书长的报告 and 摘要 run together, nor 的说明 before the next heading
    text = "经济及社会理事会主持召开的\n\n实现可持续发展目标进展情况\n\n秘书长的报告\n\n摘要\n\n" + BROKEN_HEADING_BODY
    blocks, joins = rejoin_broken_lines(lines_of(text))
    assert len(blocks) == 6 and joins == 0


# ------------------------------------------------------------------ control characters, lines too long to classify


def test_control_characters_become_spaces_and_are_counted(settings):
    # \x0b: the manual line break of a Word export; a space keeps positions and vanishes between Chinese characters
    text, count = replace_control_characters("联合\x0b国\x01工业\x00发展\t。\r\n\x0c下页\x7f\ud800")
    assert (text, count) == ("联合 国 工业 发展\t。\r\n\x0c下页  ", 5)
    result = repair_text("1. 联合\x0b国工业\x01发展组织。\n", settings.corpus)
    assert result.paragraphs[0].text == "联合国工业发展组织。" and result.counts["control_characters"] == 2
    assert replace_control_characters("干净的文本。\n") == ("干净的文本。\n", 0)


def test_a_long_line_is_classified_sentence_by_sentence(settings):
    notice = "为节约起见，本文件未作印发。敬请各位代表自带文件与会。"
    sentence = "工发组织促进包容和可持续工业发展，支持中等收入国家的工业化进程。"
    line = "工业发展理事会第五十二届会议" + sentence * 100 + notice + "12. " + sentence * 200
    result = repair_text(line, settings.replace(max_paragraph_chars=1000).corpus)
    assert result.boilerplate == ["为节约起见，本文件未作印发。", "敬请各位代表自带文件与会。"]  # a sentence each
    assert max(len(p.text) for p in result.paragraphs) <= 1000
    assert [p.kind for p in result.paragraphs].count("body") == len(result.paragraphs)
    assert "".join(p.text for p in result.paragraphs) == line.replace(notice, "").replace("12. ", "")
    assert [p.number for p in result.paragraphs if p.number] == ["12"]   # a paragraph starts at its number
    # short lines are left as they were
    assert repair_text(sentence * 3, settings.corpus).paragraphs[0].text == sentence * 3


def test_a_long_latin_line_keeps_its_spaces_and_numbers():
    pieces = split_long_line(Line("It ended. Then (b) began; so 1.5 and IDB.52 stay. A. Next", 7), 12)
    assert "".join(piece.text for piece in pieces) == "It ended. Then (b) began; so 1.5 and IDB.52 stay. A. Next"
    assert [piece.text for piece in pieces][:3] == ["It ended.", " Then (b) ", "began;"]
    assert {piece.number for piece in pieces} == {7} and [piece.piece for piece in pieces[:2]] == [False, True]
    blocks, _ = rejoin_broken_lines(pieces, max_chars=40)
    assert [block.text for block in blocks] == ["It ended. Then (b) began; so 1.5 and", "IDB.52 stay.", "A. Next"]


LONG_LINE_TEXT = st.text(alphabet=st.sampled_from(list("工发组织促进包容发展。，；！？ab .1\n《》“”")), max_size=3000)


@given(text=LONG_LINE_TEXT, max_chars=st.integers(min_value=4, max_value=200))
@hypothesis_settings(max_examples=200, deadline=None)
def test_no_paragraph_outgrows_the_bound_and_no_text_is_lost(text, max_chars):
    lines = split_lines(text, max_chars=max_chars)
    assert "".join(line.text for line in lines) == text.replace("\n", "")   # split, never changed
    assert all(len(line.text) <= max_chars for line in lines)
    blocks, _ = rejoin_broken_lines(lines, max_chars=max_chars)
    assert all(len(block.text) <= max_chars for block in blocks)


def test_recurring_lines_are_counted_exactly_whatever_the_lines_remembered(monkeypatch):
    """Counted by hash first, then by text in the documents holding a frequent hash: the same lines, with the
    verdicts remembered for every line or for none."""
    import glossary.corpus.repair as repair

    notice = "本报告所用名称及其编写方式并不意味着秘书处对任何国家的法律地位发表任何意见。"
    other = "本文件的印数有限，请与会代表携带会议文件，不要索取更多份数。"
    docs = [f"{notice}\n第{n}段讲的是发展问题。\n" + (other if n % 2 else "") for n in range(6)]
    expected = {normalise_line(notice), normalise_line(other)}
    assert find_recurring_lines(docs, min_docs=3) == expected
    assert find_recurring_lines(docs, min_docs=4) == {normalise_line(notice)}
    assert find_recurring_lines(docs, min_docs=2, min_share=0.6) == {normalise_line(notice)}
    monkeypatch.setattr(repair, "RECURRING_MEMO_LINES", 0)
    assert find_recurring_lines(docs, min_docs=3) == expected
