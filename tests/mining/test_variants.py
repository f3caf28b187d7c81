from glossary.mining.variants import (
    abbreviation_of,
    char_masks,
    group_variants,
    parenthetical_abbreviations,
    reordering,
    same_without_particles,
    variant_key,
    word_choice,
)

IGNORED = "和及与的、"
ISID = ["包容和可持续的工业发展", "包容及可持续工业发展", "包容可持续工业发展", "包容与可持续的工业发展"]


def test_coordination_and_particle_variants_share_a_key():
    assert len({variant_key(form, IGNORED) for form in ISID}) == 1
    assert same_without_particles("《多哈行动纲领》", "多哈行动纲领", IGNORED)
    assert not same_without_particles("可持续工业发展", "可持续工业化", IGNORED)


def test_word_choice_swaps_one_near_synonym():
    assert word_choice(("国家", "伙伴关系", "方案"), ("国别", "伙伴关系", "方案"))
    assert not word_choice(("高", "收入", "国家"), ("低", "收入", "国家"))  # no shared character
    assert not word_choice(("第四次", "工业革命"), ("第三次", "工业革命"))  # numbers name other things


def test_reordering_typo():
    assert reordering("最不发达国家等高代办", "最不发达等国家高代办")
    assert not reordering("南南合作", "合作南南")  # too short to be a typo of a name


def test_abbreviations():
    assert abbreviation_of("工发组织", ["联合国", "工业", "发展", "组织"])
    assert abbreviation_of("非加太国家组织", ["非洲", "、", "加勒比", "和", "太平洋", "国家", "组织"])
    assert not abbreviation_of("中等收入国家", ["中等", "收入", "成员", "国家"])  # another concept
    assert not abbreviation_of("持续发展", ["包容", "和", "可", "持续", "的", "工业", "发展"])
    text = "国家工作队与从国际劳工组织（劳工组织）到世界卫生组织的其他联合国机构"
    assert parenthetical_abbreviations([text], {"国际劳工组织", "劳工组织"}) == [("国际劳工组织", "劳工组织")]


def test_group_takes_the_curated_form_else_the_most_frequent():
    forms = {f: (f,) for f in ISID + ["国家伙伴关系方案", "国别伙伴关系方案"]}
    forms["国家伙伴关系方案"] = ("国家", "伙伴关系", "方案")
    forms["国别伙伴关系方案"] = ("国别", "伙伴关系", "方案")
    freq = {"包容和可持续的工业发展": 12, "包容及可持续工业发展": 3, "包容可持续工业发展": 8,
            "包容与可持续的工业发展": 1, "国家伙伴关系方案": 5, "国别伙伴关系方案": 1}
    anchors = {"包容和可持续的工业发展", "包容可持续工业发展", "包容及可持续工业发展", "国家伙伴关系方案"}
    groups = group_variants(forms, freq, anchors, IGNORED)
    assert groups.canonical["包容与可持续的工业发展"] == "包容和可持续的工业发展"
    assert groups.members["包容和可持续的工业发展"] == ["包容和可持续的工业发展", "包容可持续工业发展",
                                                        "包容及可持续工业发展", "包容与可持续的工业发展"]
    assert groups.canonical["国别伙伴关系方案"] == "国家伙伴关系方案"
    assert groups.relation["国别伙伴关系方案"] == "word choice"
    curated = group_variants(forms, freq, anchors, IGNORED, curated=[["包容和可持续工业发展"]])
    assert curated.canonical["包容及可持续工业发展"] == "包容和可持续工业发展"


def test_rare_forms_attach_only_to_ranked_terms():
    forms = {"国别伙伴关系方案": ("国别", "伙伴关系", "方案"), "国家伙伴关系方案": ("国家", "伙伴关系", "方案")}
    groups = group_variants(forms, {"国别伙伴关系方案": 1, "国家伙伴关系方案": 1}, set(), IGNORED)
    assert groups.members == {}


def test_reordering_typos_are_found_in_text_even_when_no_candidate():
    from glossary.mining.variants import find_reorderings

    texts = [
        "与联合国最不发达国家、内陆发展中国家和小岛屿发展中国家高级代表办公室（最不发达国家等高代办）进行了协商。",
        "代表以最不发达国家主席、最不发达等国家高代办和非洲、加勒比和太平洋国家组织的身份发了言。",
    ]
    assert find_reorderings(texts, ["最不发达国家等高代办"]) == {"最不发达等国家高代办": "最不发达国家等高代办"}


def test_a_concept_seen_once_in_each_of_two_forms_recurs(tmp_path):
    from glossary.config import load_settings
    from glossary.corpus.load import load_corpus
    from glossary.mining.mine import mine_corpus

    text = (
        "1. 工发组织支持最不发达国家等高代办的工作，并与最不发达国家合作。\n\n"
        "2. 最不发达国家代表与最不发达等国家高代办进行了协商。\n\n"
        "3. 私营部门制造商全球联盟成立。全球私营部门制造商联盟支持最不发达国家。\n"
    )
    (tmp_path / "doc.txt").write_text(text, encoding="utf-8")
    terms = mine_corpus(load_corpus([tmp_path]).documents, load_settings()).terms.set_index("term")
    assert terms.loc["最不发达国家等高代办", "variants"] == "最不发达等国家高代办"
    assert terms.loc["最不发达国家等高代办", "freq"] == 2
    alliance = [t for t in terms.index if "制造商" in t and "联盟" in t]
    assert len(alliance) == 1 and terms.loc[alliance[0], "freq"] == 2


def test_a_years_instance_is_a_form_of_the_name_that_recurs_without_it():
    """2020年高级别政治论坛 is that year's 高级别政治论坛; 2030年议程 never occurs without its year, so it is a name of
    its own, not a form of 议程."""
    forms = {"高级别政治论坛": ("高级别", "政治", "论坛"), "2020年高级别政治论坛": ("2020", "年", "高级别", "政治", "论坛"),
             "2030年议程": ("2030", "年", "议程")}
    freq = {"高级别政治论坛": 3, "2020年高级别政治论坛": 5, "2030年议程": 11}
    groups = group_variants(forms, freq, set(forms), IGNORED)
    assert groups.canonical["2020年高级别政治论坛"] == "高级别政治论坛"  # the undated name, though rarer
    assert groups.relation["2020年高级别政治论坛"] == "dated"
    assert groups.canonical["2030年议程"] == "2030年议程"


def test_how_a_form_joined_does_not_depend_on_the_order_forms_are_met():
    """The label of a variant is the first relation (particles, reordering, word choice, abbreviation …) that ties it
    to a commoner form, whatever order the anchors are iterated in: a set of strings iterates in a per-process
    order, and two runs of one corpus must label alike."""
    forms = {
        "联合国工业发展组织": ("联合国", "工业", "发展", "组织"),
        "工发组织": ("工发", "组织"),
        "国家伙伴关系方案": ("国家", "伙伴关系", "方案"),
        "国别伙伴关系方案": ("国别", "伙伴关系", "方案"),
        "国家伙伴关系计划": ("国家", "伙伴关系", "计划"),
        "工业发展组织": ("工业", "发展", "组织"),
    }
    freq = {"工发组织": 9, "联合国工业发展组织": 3, "工业发展组织": 3, "国家伙伴关系方案": 5, "国别伙伴关系方案": 2,
            "国家伙伴关系计划": 2}
    anchors = ["工发组织", "国家伙伴关系方案", "国别伙伴关系方案", "工业发展组织"]
    one = group_variants(forms, freq, anchors=anchors, ignored=IGNORED)
    other = group_variants(forms, freq, anchors=anchors[::-1], ignored=IGNORED)
    assert one.relation == other.relation and one.canonical == other.canonical
    assert one.relation["联合国工业发展组织"] == one.relation["工业发展组织"] == "abbreviation"
    assert one.relation["国别伙伴关系方案"] == "word choice"


def test_rare_forms_join_an_anchor_by_a_word_at_any_place_and_as_full_forms_of_its_abbreviation():
    """Grouping looks only at the places where a rare form can differ from an anchor by one word (it shares the
    anchor's other words) and only at the full forms whose head and opening an anchor's abbreviation can take: a
    form that differs first, inside or last, or whose first content word the abbreviation skips, still joins."""
    forms = {
        "国家伙伴关系方案": ("国家", "伙伴关系", "方案"),
        "国别伙伴关系方案": ("国别", "伙伴关系", "方案"),  # the first word
        "国家合作关系方案": ("国家", "合作关系", "方案"),  # inside
        "国家伙伴关系方针": ("国家", "伙伴关系", "方针"),  # the last
        "国家伙伴关系计划": ("国家", "伙伴关系", "计划"),  # no shared character: another concept
        "区域伙伴关系方法": ("区域", "伙伴关系", "方法"),  # two words differ
        "工发组织": ("工发", "组织"),
        "联合国工业发展组织": ("联合国", "工业", "发展", "组织"),  # the qualifier skipped
        "工业发展基金": ("工业", "发展", "基金"),  # another head
    }
    freq = dict.fromkeys(forms, 1) | {"国家伙伴关系方案": 9, "工发组织": 9}
    groups = group_variants(forms, freq, anchors={"国家伙伴关系方案", "工发组织"}, ignored=IGNORED)
    assert groups.members["国家伙伴关系方案"] == ["国家伙伴关系方案", "国别伙伴关系方案", "国家伙伴关系方针",
                                                  "国家合作关系方案"]
    assert groups.members["工发组织"] == ["工发组织", "联合国工业发展组织"]
    assert groups.relation == {"国别伙伴关系方案": "word choice", "国家合作关系方案": "word choice",
                               "国家伙伴关系方针": "word choice", "联合国工业发展组织": "abbreviation"}


def test_a_subsequence_has_its_mask_inside_the_full_forms():
    """char_masks refuse the abbreviation test without strings: a form whose characters all occur in another has
    its mask inside the other's; 粮农组织 has characters 包容可持续工业发展 lacks."""
    short, full, other = char_masks(["可持续工业", "包容可持续工业发展", "粮农组织"])
    assert short & ~full == 0
    assert other & ~full != 0
    assert list(char_masks(["", "a"]))[0] == 0


def test_abbreviation_pairs_found_a_block_of_rows_at_a_time_are_those_found_at_once(seed_docs):
    """AbbreviationIndex.pairs reads its entries a block of full forms at a time (bounded memory on a large
    corpus): the same pairs, in the same order, whatever the block."""
    import jieba

    from glossary.mining.variants import AbbreviationIndex, full_form_keys

    words = [w for p in list(seed_docs["001"].paragraphs)[:120] for w in jieba.lcut(p.text) if w.strip()]
    fulls = list(dict.fromkeys(tuple(words[i:i + n]) for n in (2, 3, 4) for i in range(len(words) - n)))
    # a character of each word, then the head (工发组织): the shape of an abbreviation
    names = sorted({"".join(w[0] for w in full[:-1]) + full[-1] for full in fulls})
    index = AbbreviationIndex(names)
    keys = full_form_keys(fulls)
    rows, owners = index.pairs(*keys)
    assert len(rows) > 50
    for block in (1, 7, 1000):
        blocked = index.pairs(*keys, block=block)
        assert blocked[0].tolist() == rows.tolist() and blocked[1].tolist() == owners.tolist()


def test_groups_do_not_depend_on_how_many_full_forms_are_looked_up_at_a_time(seed_docs):
    """group_variants looks for abbreviations a block of full forms at a time (bounded memory on a large corpus):
    the same groups and relations whatever the block."""
    import jieba

    words = [w for p in list(seed_docs["001"].paragraphs)[:80] for w in jieba.lcut(p.text) if w.strip()]
    fulls = list(dict.fromkeys(tuple(words[i:i + n]) for n in (2, 3, 4) for i in range(len(words) - n)))
    forms = {"".join(full): full for full in fulls}
    freq = {form: len(form) % 5 + 1 for form in forms}
    shorts = ["".join(w[0] for w in full[:-1]) + full[-1] for full in fulls[::3]]
    for short in shorts:
        forms.setdefault(short, (short,))
        freq.setdefault(short, 1)
    anchors = set(shorts) | set(list(forms)[::4])
    whole = group_variants(forms, freq, anchors, IGNORED)
    assert "abbreviation" in whole.relation.values()
    for block in (1, 7):
        blocked = group_variants(forms, freq, anchors, IGNORED, full_forms_block=block)
        assert (blocked.canonical, blocked.members, blocked.relation) == (whole.canonical, whole.members,
                                                                         whole.relation)
