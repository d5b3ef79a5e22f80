"""Candidate phrases: lemmas, clauses and segments, and coordinations with their shared parts distributed."""
from rolegraph.loader.extract.phrases import candidates, lemma_key, words_of


def distributed(text, language):
    return [p.text for p in candidates(text, language) if p.kind == "distributed"]


def test_verb_and_noun_forms_share_a_lemma():
    assert lemma_key("configurerez", "fr") == lemma_key("configurer", "fr") != ""
    assert lemma_key("configuring", "en") == lemma_key("configure", "en") != ""
    assert lemma_key("réseaux", "fr") == lemma_key("réseau", "fr")
    assert lemma_key("designing", "en") == lemma_key("design", "en")


def test_function_words_have_no_lemma():
    assert [w.lemma for w in words_of("la base de données", "fr")][0] == ""


def test_shared_complement_is_distributed_to_each_conjunct():
    found = distributed("Déploiement, suivi et sauvegarde des serveurs.", "fr")
    assert "Déploiement serveurs" in found and "suivi serveurs" in found


def test_the_words_of_a_product_s_name_are_not_shared_with_the_other_conjuncts():
    assert distributed("Il gère les comptes Oracle Cloud, Alibaba Cloud ou Tencent Cloud Hosting.", "fr") == []
    assert "comptes Cloud Hosting" not in distributed("Il gère les comptes, Tencent Cloud Hosting.", "fr")


def test_a_comma_and_an_indefinite_article_open_a_noun_phrase_of_their_own():
    # nothing of "an IT support apprenticeship" is shared with what stands before the comma
    assert distributed("Take a diploma in networking, an IT support apprenticeship.", "en") == []
    assert distributed("Take a diploma in networking, or an IT support apprenticeship.", "en") != []


def test_shared_head_is_distributed_in_english():
    found = distributed("Legal, technical and human safeguards.", "en")
    assert "Legal safeguards" in found and "technical safeguards" in found


def test_left_head_is_distributed_to_its_complements():
    found = distributed("Écrire des scénarios de recette, de charge et de sécurité", "fr")
    assert "scénarios charge" in found and "scénarios sécurité" in found


def test_a_french_noun_is_distributed_to_its_coordinated_adjectives():
    found = distributed("Il mène des audits internes et externes.", "fr")
    assert "audits externes" in found
    # in English the adjective comes first: the shared noun is on the right
    assert "audits external" not in distributed("He runs internal and external audits.", "en")


def test_segments_stop_at_commas_and_clauses_at_line_breaks():
    phrases = candidates("Python, SQL\nGérer les accès", "fr", kinds=frozenset({"segment"}))
    assert [p.text for p in phrases] == ["Python", "SQL", "Gérer les accès"]
    assert all(p.words[0].start == p.start for p in phrases)


def test_odd_input_gives_no_candidates_and_no_error():
    assert candidates("", "fr") == []
    assert candidates("--- ;;; ...", "de") == []


def test_the_same_written_word_is_lemmatised_in_each_language():
    # words are remembered per language: the English reading of "configure" must not leak into French
    assert lemma_key("configure", "fr") != lemma_key("configure", "en")
    for language in ("en", "fr", "en"):
        lemmas = [w.lemma for w in words_of("configure le pare-feu", language)]
        assert lemmas[0] == lemma_key("configure", language)


def test_an_elided_article_is_a_function_word_with_its_offsets():
    words = words_of("l'API et d’abord", "fr")
    assert [(w.start, w.end, w.key, w.lemma) for w in words[:1]] == [(0, 1, "", "")]
    assert words[1].key == "api" and (words[1].start, words[1].end) == (2, 5)


def test_a_french_verb_after_its_subject_is_read_as_the_verb_not_the_noun():
    text = "Elle forme les nouveaux arrivants. La forme du rapport compte."
    lemmas = [w.lemma for w in words_of(text, "fr")]
    assert lemmas[1] == lemma_key("former", "fr")  # after "elle": the verb
    assert lemmas[lemmas.index(lemma_key("forme", "fr"))] != lemma_key("former", "fr")  # "la forme": the noun


def test_an_acronym_written_like_a_function_word_is_a_word():
    assert [w.lemma for w in words_of("IT change management", "en")][0] == "it"
    assert [w.lemma for w in words_of("it works", "en")][0] == ""
    from test_skills import skill_names
    assert skill_names("The analyst supports change management in the business.", "en") == {"Change management"}


def test_a_verb_read_after_its_subject_composes_with_its_object():
    from test_skills import skill_names
    assert "Project management" in skill_names("Au siège, il pilote les projets de migration.", "fr")
    assert "User training" in skill_names("Chaque mois, elle forme les utilisateurs.", "fr")
    # a second verb of the same subject, after "et" and before its object
    assert "User training" in skill_names("Elle rédige les guides et forme les utilisateurs.", "fr")
    lemmas = [w.lemma for w in words_of("Couleurs, tailles et forme des boutons du site.", "fr")]
    assert lemma_key("former", "fr") not in lemmas  # no subject: the noun


def test_a_coordination_ends_at_the_conjunct_its_conjunction_introduces():
    found = distributed("You will elicit and document requirements, map current and future processes.", "en")
    assert "will elicit requirements" in found
    # the second coordination's head is not lent to the first one's conjuncts
    assert not any("requirements processes" in p or "elicit processes" in p for p in found)
