"""A plan file of the size and shape of real district plans (the largest of five real ones): 8
goals, 26 strategies, 49 measures, 109 action steps, statements of several hundred characters,
a strategy title of 666 characters and an indicator of 428, with accents and typographic
quotes. Built from sentences of the kind districts write; the counts are exact."""

from planning.schema import SCHEMA, SCHEMA_VERSION

GOALS = 8
STRATEGIES = (4, 3, 3, 4, 3, 3, 3, 3)  # 26
GOAL_MEASURES = (2, 2, 1, 2, 1, 1, 1, 1)  # 11 on goals
STRATEGY_MEASURES = 38  # spread over the strategies: 49 measures in all
ACTION_STEPS = 109

MISSION = (
    "The Riverside Unified School District exists so that every student — whatever their "
    "neighborhood, first language or starting point — leaves our schools ready for the "
    "college, career and community life they choose. We do this in partnership with families, "
    "with the Tribal Council and with the city’s employers, by teaching to high standards, by "
    "caring for each child as a whole person, and by spending every public dollar where it makes "
    "the most difference for students. Nuestra misión es la de todos: “cada estudiante, cada "
    "día”."
)
VISION = (
    "By 2032, Riverside will be the district families choose: a place where students read "
    "fluently by the end of third grade, where every eighth grader completes Algebra I, where "
    "attendance and belonging are high in every school, and where graduates leave with a plan "
    "and the confidence to carry it out. Our staff will say it is the best place they have "
    "worked; our community will say the district listens, explains its choices plainly and "
    "keeps its promises — “lo que prometemos, lo cumplimos”."
)
PREFERRED_FUTURE = (
    "Classrooms where students talk, write and reason more than adults do; schools that open "
    "early and close late as hubs for families; a budget that follows the plan rather than the "
    "other way round; and a board, a superintendent and a union that can disagree in public and "
    "still decide together. Des écoles où chacun a sa place."
)
BOUNDARIES = (
    "We will not adopt a new program without retiring an old one; we will not add a goal "
    "without saying which one it replaces; we will not cut counselors or nurses to balance the "
    "budget; and we will publish every measure, good news or bad, on the district’s website "
    "within thirty days of receiving it."
)
STUDENT_PERFORMANCE = (
    "Each Riverside graduate reads, writes and reasons at the level the state calls “college "
    "ready”, speaks a second language, has completed a work-based learning experience, and can "
    "name the adults at school who know them well."
)
LEADERSHIP = (
    "We listen first; we explain our choices in plain words; we share data early, including "
    "data that makes us uncomfortable; we ask “what does this mean for students?” before “what "
    "does this cost?”; and we hold ourselves to the commitments we ask of others."
)

GOAL_TITLES = (
    "Every student reads on grade level by the end of third grade",
    "Every student completes Algebra I by the end of eighth grade, ready for high-school math",
    "Students feel they belong: attendance and engagement rise in every school",
    "Graduates leave with a plan — college, career or service — and the skills to carry it out",
    "Recruit, support and keep great teachers and staff in every classroom",
    "Partner with families and the community as co-owners of students’ success",
    "Safe, healthy and welcoming schools, inside and out",
    "Spend every dollar where it matters most for students, and show the public how",
)

# 666 characters, as in the real plan that was refused.
LONG_STRATEGY = (
    "Build a coherent, district-wide system of early literacy instruction grounded in the "
    "science of reading — explicit, systematic phonics and phonemic awareness in kindergarten "
    "through second grade, daily high-quality read-alouds that build background knowledge and "
    "vocabulary, and small-group intervention within the school day for every student who is "
    "not yet on track — supported by a common K–3 curriculum, shared screening and diagnostic "
    "assessments given three times a year, coaching cycles for every K–3 teacher, and a "
    "family-literacy partnership with the public library and the Tribal Council so that "
    "reading continues at home in English, Spanish and in Lakota."
)
# 428 characters, as in the real plan that was refused.
LONG_INDICATOR = (
    "Percentage of students in grades K–3 scoring at or above the benchmark on the "
    "district’s universal literacy screener (Acadience Reading composite score) in the spring "
    "administration, reported for all students and separately for English learners, students "
    "with disabilities, students experiencing homelessness and each racial and ethnic group of "
    "at least ten students, with the gap between the highest- and lowest-scoring groups."
)

STRATEGY_WORDS = (
    "Give every teacher a coaching cycle each semester, with time in the timetable to plan "
    "together and to look at students’ work",
    "Open a family resource center at each middle school, staffed in the late afternoon and "
    "evening, with interpreters for Spanish, Vietnamese and Lakota",
    "Use an early-warning system (attendance, behavior, course marks) reviewed every two weeks "
    "by a team that knows each student by name",
    "Expand dual-enrollment and career-technical pathways with the community college and "
    "local employers, so that every student earns credit or a credential before graduating",
)
INDICATORS = (
    "Chronic absence rate (students missing 10% or more of enrolled days)",
    "Percentage of eighth graders completing Algebra I with a C or better",
    "Share of students answering “I belong at this school” favorably on the spring survey",
    "First-year teacher retention rate",
    "Percentage of graduates completing a work-based learning experience",
)
STEP_WORDS = (
    "Adopt and train every K–3 teacher in the new foundational-skills curriculum; coaches "
    "model lessons in each classroom during the first six weeks (“I do, we do, you do”)",
    "Hold a family literacy night at each elementary school, in English and Spanish, with "
    "take-home book bags and a short video for families who cannot attend",
    "Review early-warning data every other Tuesday; assign each flagged student an adult "
    "mentor and call home within 48 hours",
    "Publish the quarterly dashboard on the district website and present it at the board’s "
    "public meeting, with a plain-language summary for parents",
)


def _measure(words: str, n: int, *, baseline=True) -> dict:
    return {
        "indicator": words,
        "data_source": "State assessment portal; district student information system (Infinite "
        "Campus), spring extract",
        "baseline": f"{40 + n % 30}.5" if baseline else None,
        "baseline_date": "2026-06-01",
        "target": f"{60 + n % 30}",
        "target_date": "2030-06-01",
        "unit": "%",
        "direction": "down" if "absence" in words else "up",
        "frequency": "yearly",
    }


def _step(n: int) -> dict:
    return {
        "description": f"{STEP_WORDS[n % len(STEP_WORDS)]} (step {n + 1}).",
        "stage": ("plan", "do", "study", "act")[n % 4],
        "owner": None,
        "start_date": "2027-08-15",
        "due_date": "2028-06-15",
        "resources_people": "Two literacy coaches; the principal; the family-engagement liaison "
        "(bilingual, Spanish–English)",
        "resources_time": "Ninety minutes of common planning each week; four release days a year",
        "resources_money": "12500.00",
    }


def realistic_plan() -> dict:
    """The file, as export_plan would write it (ids link goals to objectives)."""
    measures_left, steps_left = STRATEGY_MEASURES, ACTION_STEPS
    strategies_left = sum(STRATEGIES)
    goals, n = [], 0
    for g in range(GOALS):
        strategies = []
        for s in range(STRATEGIES[g]):
            title = LONG_STRATEGY if (g, s) == (0, 0) else STRATEGY_WORDS[(g + s) % 4]
            # the measures and steps left, shared as evenly as the strategies left allow
            measures = -(-measures_left // strategies_left)
            steps = -(-steps_left // strategies_left)
            measures_left, steps_left, strategies_left = (
                measures_left - measures,
                steps_left - steps,
                strategies_left - 1,
            )
            strategies.append(
                {
                    "title": title,
                    "description": "Chosen at the vision retreat from the staff and parents’ "
                    "cards; owned by the instructional cabinet.",
                    "measures": [
                        _measure(
                            LONG_INDICATOR if (g, s, m) == (0, 0, 0) else INDICATORS[m % 5], n + m
                        )
                        for m in range(measures)
                    ],
                    "action_steps": [_step(n + a) for a in range(steps)],
                }
            )
            n += 1
        goals.append(
            {
                "objective": f"o{g % 3 + 1}",
                "title": GOAL_TITLES[g],
                "description": "Why this matters: " + MISSION[:200],
                "specific_outcome": VISION[:300],
                "measured_by": "The state’s annual assessment and the district’s screener, "
                "reported by school and by student group",
                "target": "From 42% to 60% of students by June 2030, closing half the gap for "
                "every student group",
                "target_date": "2030-06-30",
                "measures": [
                    _measure(INDICATORS[(g + m) % 5], g + m) for m in range(GOAL_MEASURES[g])
                ],
                "strategies": strategies,
            }
        )
    return {
        "schema": SCHEMA,
        "version": SCHEMA_VERSION,
        "engagement": {"name": "Strategic Plan 2027–2032", "organization": "Riverside USD"},
        "plan": {
            "mission": MISSION,
            "vision": VISION,
            "preferred_future": PREFERRED_FUTURE,
            "strategic_boundaries": BOUNDARIES,
            "student_performance": STUDENT_PERFORMANCE,
            "leadership_commitments": LEADERSHIP,
            "use_objectives": True,
            "max_goals": 8,
            "max_strategies_per_goal": 4,
            "values": [
                {"title": "Équité: every student, every day", "description": "Fairness first."},
                {"title": "Respect — “we listen before we decide”", "description": ""},
                {"title": "Integrity and transparency", "description": "We show our work."},
            ],
            "objectives": [
                {"id": "o1", "title": "Student achievement", "description": ""},
                {"id": "o2", "title": "Belonging and well-being", "description": ""},
                {"id": "o3", "title": "Stewardship and partnership", "description": ""},
            ],
            "goals": goals,
        },
    }
