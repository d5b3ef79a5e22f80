"""Skills from phrases: lemma matching of lexicon variants, action + object composition, specific over generic."""
from rolegraph.loader.extract import extract
import rolegraph.loader.extract.skills as skills
from conftest import text_document


def skill_names(text, language):
    document = text_document(text, language)
    return {c.name for c in extract(document).competencies}


def test_a_verb_phrase_reaches_the_noun_concept():
    assert "Network configuration" in skill_names("Vous configurerez les équipements du réseau de l'agence.", "fr")


def test_coordinated_actions_each_compose_with_the_shared_object():
    names = skill_names("Il prend en charge l'installation, la configuration et la maintenance du réseau.", "fr")
    assert {"Network installation", "Network configuration", "Network maintenance"} <= names


def test_an_object_that_completes_another_noun_is_not_the_action_s_object():
    # the action reaches "risques" (no object of the grammar) first; "projet" completes it
    assert "Project management" not in skill_names("Elle gère les risques du projet.", "fr")
    assert skill_names("They manage the budget of the project.", "en") == {"Budget management"}
    # a noun that counts what follows lets the action through
    assert "Server administration" in skill_names("Il administre l'ensemble des serveurs.", "fr")


def test_an_action_whose_object_opens_a_longer_name_states_that_name():
    assert skill_names("Elle doit garantir la qualité des données.", "fr") == {"Data quality"}


def test_reviewing_and_improving_compose_with_their_objects():
    assert "Code review" in skill_names("She reviews the merge requests of the team.", "en")
    assert "Performance optimization" in skill_names("Il améliore les performances de l'application.", "fr")


def test_english_compound_and_verb_forms_compose():
    assert "Data cleaning" in skill_names("Our analysts clean the data every week.", "en")
    assert "Model training" in skill_names("You will train models on large corpora.", "en")


def test_an_action_noun_does_not_reach_a_following_noun_in_english(monkeypatch):
    monkeypatch.setattr(skills, "OWN_SKILLS", True)
    assert "Requirements training" not in skill_names("Training requirements are listed below.", "en")
    # "of" carries the noun to its object, and the pair lands on the lexicon's concept
    assert "Server administration" in skill_names("He handles the maintenance of the server.", "en")


def test_an_english_gerund_reaches_its_object_across_its_own_words():
    # "pulling" is a verb here: an adjective stands between it and its object
    assert "Data extraction" in skill_names("Each night the job is pulling fresh data out of the ledgers.", "en")


def test_an_english_compound_names_the_skill_by_its_head_noun():
    # "data networks" are networks: the head noun, not its modifier, is what the action applies to
    names = skill_names("Our staff configure data networks for the branch offices.", "en")
    assert "Network configuration" in names and "Data configuration" not in names
    # across a preposition the nouns are no compound: "data from databases" is data
    assert "Data extraction" in skill_names("She extracts the data from databases.", "en")


def test_a_common_noun_that_something_has_or_lacks_is_no_skill():
    assert "Organization" not in skill_names("The clerk files the invoices of their organization.", "en")
    assert "Organization" in skill_names("Qualities: organization, rigour.", "en")
    assert "Authorization" not in skill_names("Nobody enters the server room without authorization.", "en")
    assert "Authorization" in skill_names("Skills: authentication and authorization, auditing.", "en")


def test_an_action_on_an_object_without_a_concept_of_its_own_is_the_action_skill():
    # the lexicon has no "workstation configuration": configuring workstations is configuration
    assert "Configuration" in skill_names("Le technicien configure les postes de travail.", "fr")
    assert "Monitoring" in skill_names("At night she monitors the databases.", "en")
    # only on a system of IT: supervising projects is no monitoring
    assert "Monitoring" not in skill_names("He supervises projects for two clients.", "en")
    # the action states the skill: its evidence is the action's words, not the whole coordination
    document = text_document("Il configure et dépanne les postes de travail.", "fr")
    [configuration] = [c for c in extract(document).competencies if c.name == "Configuration"]
    assert configuration.surfaces == ["configure"]


def test_ensuring_a_quality_of_a_system_is_the_skill_that_gives_it():
    assert "Quality assurance" in skill_names("Elle est garante de la qualité des livrables.", "fr")
    assert "High availability" in skill_names("You ensure the availability of the payment services.", "en")
    # "assurer" before another action leaves that action its object
    names = skill_names("Il assure la maintenance des serveurs.", "fr")
    assert "Server administration" in names and "Quality assurance" not in names


def test_understanding_or_identifying_needs_is_requirements_analysis():
    assert "Requirements analysis" in skill_names("They begin by determining the reporting needs of each office.", "en")
    assert "Requirements analysis" in skill_names("Elle cherche à comprendre les besoins du service.", "fr")
    # after a preposition an "-ing" word is a verb, and reaches its object directly
    assert "Requirements analysis" in skill_names("Each project starts by understanding requirements.", "en")


def test_implementing_is_developing():
    assert "API development" in skill_names("The team implements APIs for partners.", "en")
    assert "API development" in skill_names("Elle doit implémenter des API pour les partenaires.", "fr")


def test_the_specific_concept_replaces_the_generic_fragment():
    names = skill_names("Configurer les équipements réseau du site.", "fr")
    assert "Network configuration" in names and "Configuration" not in names


def test_compositions_outside_the_lexicon_are_kept_only_when_enabled(monkeypatch):
    text = "Il sait sécuriser les maquettes."
    assert "Mockup security" not in skill_names(text, "fr")
    monkeypatch.setattr(skills, "OWN_SKILLS", True)
    assert "Mockup security" in skill_names(text, "fr")


def test_no_composition_across_a_comma():
    assert "Network development" not in skill_names("Development, networks and hosting.", "en")


def test_bad_input_gives_no_error():
    assert skill_names("", "fr") == set()
    assert isinstance(skill_names("\x00 ;; ,,, et et and", "xx"), set)


def test_a_french_variant_does_not_match_english_words_in_french_order():
    # "tests d'intégration" reads (test, integrate): in English that order is not integration testing
    assert "Integration testing" not in skill_names("The testing integration dashboard turns red at night.", "en")
    assert "Integration testing" in skill_names("Il écrit les tests d'intégration du service.", "fr")


def test_a_word_met_only_once_accents_are_folded_is_another_word():
    # "implique" (the verb) is not "impliqué" (involved, a sign of motivation)
    assert "Motivation" not in skill_names("Le projet implique trois équipes réparties sur deux sites.", "fr")
    assert "Motivation" in skill_names("Il est très impliqué dans la vie de son équipe.", "fr")


def test_a_pair_several_concepts_claim_lands_on_the_one_its_name_states():
    # install + hardware is a variant of more than one concept; "Hardware installation" is named by it
    names = skill_names("Il doit installer le matériel des nouveaux arrivants.", "fr")
    assert "Hardware installation" in names and "Hardware maintenance" not in names


def test_a_modifier_between_an_action_and_its_object_keeps_its_own_skill():
    # the composition covers "build" and "pipelines"; "scalable" between them still states scalability
    names = skill_names("The team will build scalable data pipelines for the archive.", "en")
    assert {"Data pipelines", "Scalability"} <= names


def test_an_object_that_heads_a_longer_name_gives_way_to_that_name():
    # "ensure quality" alone is quality assurance; "ensure data quality" is data quality
    names = skill_names("Analysts ensure data quality in the weekly exports.", "en")
    assert "Data quality" in names and "Quality assurance" not in names
    assert "Quality assurance" in skill_names("Analysts ensure the quality of the weekly exports.", "en")
    # the ETL processes are what is developed: ETL, not a build process
    names = skill_names("- Develop and optimise ETL processes for the billing data", "en")
    assert "ETL" in names and "Build automation" not in names
    # in French the head starts the name
    names = skill_names("Les analystes garantissent la qualité des données du service.", "fr")
    assert "Data quality" in names and "Quality assurance" not in names


def test_an_object_that_starts_a_longer_name_gives_way_to_that_name():
    # "user" starts "user acceptance testing": the support is given to the testing, not to users
    names = skill_names("- Support user acceptance testing for the new release", "en")
    assert "User acceptance testing" in names and "User support" not in names
    assert "User support" in skill_names("- Support users of the new release", "en")


def test_letters_joined_by_a_slash_are_one_name():
    # "A" is no article in "A/B", and the slash joins no alternatives
    names = skill_names("- Run A/B tests on the sign-up page", "en")
    assert "A/B testing" in names and "Testing" not in names


def test_a_verb_in_the_third_person_is_no_plural_thing():
    assert "Communication" in skill_names("A data analyst communicates results to the board.", "en")


def test_an_english_quality_that_is_counted_is_a_thing():
    assert "Organization" not in skill_names("Many organizations now move their servers to the cloud.", "en")
    assert "Organization" not in skill_names("The engineer keeps an organization's services running.", "en")
    assert "Organization" in skill_names("You show organization and patience with users.", "en")
    assert "Creativity" not in skill_names("Each creativity workshop lasts a day.", "en")
    # an adjective that ends in "s" is no plural
    assert {"Rigor", "Autonomy", "Curiosity"} <= skill_names("You are rigorous, autonomous and curious.", "en")


def test_a_french_quality_noun_in_the_plural_is_a_thing():
    assert "Communication" not in skill_names("Il protège les communications numériques du groupe.", "fr")
    assert "Organization" not in skill_names("Elle conseille des organisations publiques.", "fr")
    assert "Communication" in skill_names("On attend une bonne communication avec les clients.", "fr")
    # adjectives agree in number and stay qualities
    assert "Adaptability" in skill_names("Nous cherchons des profils polyvalents.", "fr")


def test_an_exchange_between_machines_is_no_soft_skill():
    assert "Communication" not in skill_names("Les API assurent la communication entre les composants du site.", "fr")
    assert "Communication" not in skill_names("Il règle les routeurs qui permettent aux serveurs de communiquer.", "fr")
    assert "Communication" not in skill_names("Les microservices communiquent par des files de messages.", "fr")
    assert "Communication" not in skill_names("She makes the mobile devices communicate with the back office.", "en")
    assert "Communication" in skill_names("Elle assure la communication entre les services de l'entreprise.", "fr")
    assert "Communication" in skill_names("He keeps a clear communication between the teams.", "en")


def test_a_skill_named_inside_a_product_s_name_is_part_of_it():
    assert "API development" not in skill_names("L'équipe déploie tout sur Amazon Web Services.", "fr")
    assert "API development" in skill_names("Il conçoit des web services pour les partenaires.", "fr")


def test_a_form_read_as_written_takes_no_synonym_of_its_action():
    # "build" is a noun in "build process": "the development process" is no build automation
    assert "Build automation" not in skill_names("Testers take part in the whole development process.", "en")
    assert "Build automation" in skill_names("She keeps the build process fast.", "en")


def test_what_the_job_helps_others_do_is_no_quality_of_its_own():
    assert "Decision making" not in skill_names("L'analyste aide les directions à prendre des décisions.", "fr")
    assert "Decision making" not in skill_names("The analyst helps store managers to make decisions.", "en")
    assert "Decision making" in skill_names("Elle sait prendre des décisions sous pression.", "fr")


def test_being_the_link_between_groups_is_stakeholder_management():
    assert "Stakeholder management" in skill_names("Elle fait le lien entre les développeurs et les clients.", "fr")
    assert "Stakeholder management" in skill_names("He acts as a liaison between sales and support.", "en")


def test_a_cloud_or_database_product_stands_for_its_object_in_a_phrase():
    assert "Cloud migration" in skill_names("Elle migre les applications métier vers Azure.", "fr")
    assert "Database administration" in skill_names("He administers PostgreSQL for the finance team.", "en")
    # alone, a product names no skill
    assert "Cloud computing" not in skill_names("The team uses Azure.", "en")


def test_scripts_in_a_shell_language_state_scripting_and_the_language():
    found = extract(text_document("Il écrit des scripts Bash et PowerShell.", "fr"))
    assert "Scripting" in {c.name for c in found.competencies}
    assert {"Bash", "PowerShell"} <= {t.name for t in found.tools}


def test_an_action_on_an_object_a_longer_name_only_qualifies_still_composes():
    names = skill_names("They collect, clean and analyse large datasets.", "en")
    assert {"Data collection", "Data cleaning", "Data analysis"} <= names
    # where the longer name's other words are an object, the action applies to the whole name
    assert "Quality assurance" not in skill_names("You ensure data quality.", "en")


def test_facilitating_workshops_is_meeting_facilitation_in_both_languages():
    assert "Meeting facilitation" in skill_names("She facilitates workshops with the sales teams.", "en")
    assert "Meeting facilitation" in skill_names("Elle anime des ateliers avec les commerciaux.", "fr")


def test_an_english_adverb_inside_a_verb_phrase_leaves_it_whole():
    assert "Adaptability" in skill_names("You adapt quickly to change.", "en")
    # a word in "-ly" that is no adverb stays a word of the phrase
    assert "Software supply chain security" in skill_names("Supply chain security matters here.", "en")


def test_the_sector_of_an_employer_is_no_skill():
    assert "Telecommunications" not in skill_names("Il travaille dans le secteur des télécommunications.", "fr")
    assert "E-commerce" not in skill_names("She joined a firm of the e-commerce industry.", "en")
    assert "Telecommunications" in skill_names("Compétences : téléphonie, réseaux.", "fr")


def test_a_document_the_job_follows_is_not_the_skill_of_writing_it():
    assert "Specification writing" not in skill_names("Le technicien installe les bornes selon les spécifications.", "fr")
    assert "Specification writing" not in skill_names("Le plan livré est conforme au cahier des charges du client.", "fr")
    assert "Technical specifications" not in skill_names(
        "Elle code les écrans à partir des spécifications techniques définies par l'architecte.", "fr")
    assert "Functional specifications" not in skill_names(
        "The team builds the module according to the functional specifications.", "en")
    assert "Technical documentation" not in skill_names("Set up the probes as per the documentation.", "en")
    assert "Technical specifications" in skill_names("Il rédige les spécifications techniques des services.", "fr")
    assert "Functional specifications" in skill_names("She writes functional specifications for each release.", "en")


def test_a_noun_compound_entry_is_not_read_as_its_action_on_its_object():
    # "Design systems" names a component library; designing a system is another thing
    assert "Design systems" not in skill_names("Elle conçoit des systèmes de paiement pour les banques.", "fr")
    assert "Design systems" not in skill_names("Il est chargé de concevoir des systèmes embarqués.", "fr")
    assert "Design systems" in skill_names("Elle fait évoluer le design system de l'application.", "fr")
    assert "Design systems" in skill_names("He maintains the design system of the product team.", "en")


def test_an_action_word_that_qualifies_a_noun_is_not_the_action():
    assert "Database security" not in skill_names("The administrator must maintain secure databases.", "en")
    assert "Network security" not in skill_names("He builds highly secure networks for hospitals.", "en")
    assert "Database security" in skill_names("She must secure databases and file servers.", "en")
    assert "Data cleaning" in skill_names("You will clean data before each analysis.", "en")


def test_words_written_as_a_variant_name_that_concept_not_the_one_their_action_composes():
    # "recette" is the action test, so "tests utilisateurs" and "recette utilisateur" compose alike
    assert skill_names("Il organise des tests utilisateurs avant chaque livraison.", "fr") == {"Usability testing"}
    assert skill_names("Elle conduit la recette utilisateur du logiciel.", "fr") == {"User acceptance testing"}


def test_a_noun_of_a_longer_name_is_not_a_verb_on_the_shared_object():
    names = skill_names("She writes unit tests and reviews code from peers.", "en")
    assert names == {"Unit testing", "Code review"}
    assert "Testing" in skill_names("He tests and reviews code from peers.", "en")


def test_an_action_with_its_own_object_does_not_reach_past_the_next_verb():
    assert "Security monitoring" not in skill_names("They monitor costs and implement security practices.", "en")
    assert "Security monitoring" in skill_names("They monitor security events across the estate.", "en")
    assert "Model development" in skill_names("Developing new and improved machine learning models.", "en")


def test_an_object_pronoun_stands_for_the_object_before_it():
    names = skill_names("Il met en place les routeurs (et les pare-feu) et les configure ensuite.", "fr")
    assert "Network configuration" in names and "Configuration" not in names
    assert {"Data cleaning", "Data analysis"} <= skill_names("Elle collecte les données, les nettoie et les analyse.", "fr")
    assert "Server administration" in skill_names("He receives the new servers and installs them.", "en")
    assert skill_names("Il les configure.", "fr") <= {"Configuration"}  # no antecedent in the sentence


def test_functional_and_technical_specifications_are_two_skills():
    assert skill_names("Rédaction des spécifications fonctionnelles et des spécifications techniques.", "fr") >= {
        "Functional specifications", "Technical specifications"}
    assert "Specification writing" not in skill_names("He writes the technical specifications.", "en")


def test_the_employer_speaking_of_itself_states_no_skill():
    assert "Recruitment" not in skill_names("We are hiring a data engineer for our Lyon office.", "en")
    assert "Recruitment" in skill_names("You will lead hiring for the support team.", "en")


def test_an_inflected_verb_meets_a_one_word_variant_in_its_base_form():
    # the lexicon lists "conseiller" and "advise"; the matcher compares written words only
    assert "Consulting" in skill_names("Elle conseille les équipes produit sur leurs choix.", "fr")
    assert "Consulting" in skill_names("He is advising the finance team on tooling.", "en")


def test_a_past_participle_or_a_question_states_no_skill():
    assert "Consulting" not in skill_names("Le projet a été conseillé par un cabinet externe.", "fr")
    assert "Recruitment" not in skill_names("Qui recrute des techniciennes ?\nLes PME.", "fr")


def test_routing_and_switching_are_network_skills():
    assert {"Routing", "Switching"} <= skill_names("Nos techniciens maîtrisent le routage et la commutation.", "fr")


def test_customer_service_and_keeping_up_to_date_are_named():
    assert {"Customer service", "Technology watch"} <= skill_names(
        "Helpdesk staff need strong customer service skills and stay up to date with new tools.", "en")
    assert "Customer service" in skill_names("Elle renforce le service client de la boutique en ligne.", "fr")


def test_a_generic_object_takes_the_domain_of_the_documents_role(tmp_path):
    from rolegraph.loader.documents import read_document

    def names(text):
        path = tmp_path / "fiche.txt"
        path.write_text(text, encoding="utf-8")
        return {c.name for c in extract(read_document(path)).competencies}

    network = names("Ingénieure réseaux\n\nElle assure l'installation et la configuration des équipements du site.\n")
    assert {"Network installation", "Network configuration"} <= network and "Hardware installation" not in network
    assert "Network installation" in names("Network engineer\n\nShe installs the equipment of each branch.\n")
    support = names("Technicien helpdesk\n\nIl assure l'installation des équipements des salariés.\n")
    assert "Hardware installation" in support and "Network installation" not in support


def test_an_action_takes_the_object_it_moves_things_to():
    assert "Cloud migration" in skill_names("Vous migrerez les outils métier vers le cloud.", "fr")
    assert "Cloud migration" in skill_names("You will migrate our billing services to the cloud.", "en")
    # without the preposition the second object is not where the first goes
    assert "Cloud migration" not in skill_names("You will migrate our billing services and the cloud costs.", "en")


def test_a_one_word_variant_beats_another_concept_read_from_its_lemma():
    assert skill_names("You are analytical and precise.", "en") >= {"Analytical thinking"}
    assert "Data analysis" not in skill_names("You are analytical and precise.", "en")


def test_leadership_as_the_people_who_lead_is_no_skill():
    assert "Leadership" not in skill_names("You will present the results to senior leadership.", "en")
    assert "Leadership" not in skill_names("You work with the leadership team every week.", "en")
    assert "Leadership" in skill_names("You show leadership when the project slips.", "en")


def test_supervising_what_is_no_system_is_no_monitoring():
    assert "Monitoring" not in skill_names("Elle supervise les audits confiés aux prestataires.", "fr")
    assert "Network monitoring" in skill_names("Elle supervise le réseau du siège.", "fr")


def test_your_quality_is_the_candidate_s():
    assert {"Rigor", "Diplomacy"} <= skill_names("On apprécie votre rigueur et votre diplomatie.", "fr")
    assert "Security awareness" in skill_names("Vous sensibilisez les collaborateurs au phishing.", "fr")


def test_automating_tasks_or_workflows_is_automation_whatever_qualifies_them():
    assert "IT automation" in skill_names("You will automate the nightly operational tasks of the team.", "en")
    assert "IT automation" in skill_names("Il automatise les tâches manuelles de l'équipe.", "fr")
    assert "IT automation" not in skill_names("You will share the tasks of the week with the team.", "en")


def test_runbooks_are_technical_documentation():
    assert "Technical documentation" in skill_names("She writes runbooks for the on-call engineers.", "en")


def test_tuning_queries_is_query_optimization():
    assert "Query optimization" in skill_names("Each week she tunes the slowest queries of the shop.", "en")
    assert "Query optimization" not in skill_names("Each week she writes the queries of the shop.", "en")


def test_support_levels_named_as_lines_or_levels_are_technical_support():
    assert "Technical support" in skill_names("He gives second-line support to the stores.", "en")
    assert "Technical support" in skill_names("Il assure un support de premier niveau aux agences.", "fr")


def test_eagerness_to_learn_is_continuous_learning():
    assert "Continuous learning" in skill_names("We value eagerness to learn above all.", "en")


def test_running_container_clusters_is_container_orchestration_and_the_product_stays_a_tool():
    found = extract(text_document("You will run the Kubernetes clusters of the platform.", "en"))
    assert "Container orchestration" in {c.name for c in found.competencies}
    assert "Kubernetes" in {t.name for t in found.tools}
    assert "Container orchestration" in skill_names("Vous exploitez les clusters de conteneurs de l'équipe.", "fr")


def test_a_lone_verb_whose_object_is_a_skill_states_that_skill_only():
    found = skill_names("Vous savez déployer des correctifs de sécurité sur le parc.", "fr")
    assert "Patch management" in found and "Deployment" not in found
    assert "Deployment" in skill_names("Vous savez déployer des applications web.", "fr")


def test_a_soft_skill_word_that_owns_or_is_the_subject_is_the_company():
    assert "Organization" not in skill_names("Analysts study an organization's systems and help the "
                                             "organization operate.", "en")
    assert "Organization" in skill_names("You are known for the organization of your work.", "en")


def test_the_owner_of_an_object_is_not_the_object():
    assert "User training" in skill_names("Train the system's end users.", "en")


def test_keeping_up_with_technologies_is_technology_watch_whatever_qualifies_them():
    assert "Technology watch" in skill_names("Keep up with emerging technologies and tools.", "en")
    assert "Technology watch" in skill_names("Research emerging technologies to decide what to adopt.", "en")
    assert "Technology watch" in skill_names("Vous vous tenez informé des nouvelles technologies.", "fr")


def test_managing_users_is_their_accounts_managing_staff_is_a_team():
    assert "Directory services" in skill_names("You handle Active Directory user management.", "en")
    found = skill_names("You will manage employees and train staff.", "en")
    assert {"Team management", "User training"} <= found and "Directory services" not in found


def test_a_soft_skill_word_that_qualifies_a_system_is_no_quality():
    assert "Perseverance" not in skill_names("The layer handles data management and persistence.", "en")
    assert "Resilience" not in skill_names("Patterns: caching, resilience (circuit breakers, retries).", "en")
    assert "Resilience" in skill_names("We value resilience and curiosity.", "en")


def test_expertise_held_is_no_consulting_and_expertise_brought_is():
    assert "Consulting" not in skill_names("Le développeur doit posséder une solide expertise technique.", "fr")
    assert "Consulting" not in skill_names("She has strong technical expertise in networks.", "en")
    assert "Consulting" in skill_names("Elle apporte une expertise technique aux équipes métier.", "fr")
    assert "Consulting" in skill_names("He provides technical expertise to the sales team.", "en")


def test_an_english_verb_applies_to_each_object_of_its_list():
    found = skill_names("- Optimize performance, cost and reliability.", "en")
    assert {"Performance optimization", "Cost optimization"} <= found
    assert "Network administration" in skill_names("You will manage servers, networks and storage.", "en")
    # a conjunct opened by another verb is that verb's: reviewing is no cost of the optimizing
    assert "Cost optimization" not in skill_names("Optimize performance, review cost reports and write tests.", "en")


def test_if_need_be_names_no_requirements():
    assert "Requirements analysis" not in skill_names("Au besoin, il aide les utilisateurs dans leurs recherches.", "fr")
    assert "Requirements analysis" in skill_names("Il recueille les besoins des utilisateurs.", "fr")


def test_working_closely_with_people_is_teamwork():
    assert "Teamwork" in skill_names("You will work closely with other data professionals.", "en")


def test_tuning_alone_is_performance_work_and_fine_tuning_is_the_model_s():
    assert "Performance optimization" in skill_names("Il assure le tuning de la base.", "fr")
    assert skill_names("Le fine-tuning des modèles.", "fr") == {"Model fine-tuning"}


def test_a_quality_the_job_gives_is_no_quality_it_asks():
    assert "Adaptability" not in skill_names("A front-end developer enjoys flexibility: many work from home.", "en")
    assert "Autonomy" not in skill_names("Le métier offre une grande autonomie et de bons salaires.", "fr")
    assert "Autonomy" in skill_names("Le métier offre une grande autonomie. Il faut de l'autonomie.", "fr")


def test_customer_satisfaction_is_apart_from_the_customer_relationship():
    found = skill_names("Il veille à maximiser la satisfaction client et entretient la relation client.", "fr")
    assert {"Customer satisfaction", "Customer relationship"} <= found
