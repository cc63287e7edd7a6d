"""The four built-in process templates, written from the seed documents in shared/seeds/.

Each is a dict: key, name, summary, source, district_roster, and phases (name, guiding question,
purpose, recommended length, expected outputs one per line). A phase without a guiding question
in its seed has none here: nothing is invented.
"""

DISTRICT_GROUPS = [
    # Seed 002, "Plan Team Membership": group, seats, selected by, balance block.
    ("Staff", 12, "School leadership teams", "staff"),
    ("Parents", 8, "Parent organizations", "parents_community"),
    ("Community", 4, "Board", "parents_community"),
    ("Board", 2, "Board", "management"),
    ("Union", 2, "Union leadership", "staff"),
    ("District leadership", 2, "Superintendent", "management"),
    ("Building leadership", 2, "Principals", "management"),
    ("Students (high school)", 6, "Student council", "parents_community"),
]

DISTRICT_NINE_STEPS = {
    "key": "district-9-step",
    "name": "District strategic planning: 9 steps",
    "summary": (
        "Readiness to living the plan: a strategic plan team of staff, parents, community, "
        "students, union and leaders meets for an orientation and three six-hour retreats, shares "
        "a draft with stakeholders, and recommends the plan through the superintendent to the "
        "board of education."
    ),
    "source": "A district process in nine steps, with a balanced plan team",
    "district_roster": True,
    "phases": [
        {
            "name": "Readiness",
            "guiding_question": "Is everyone ready to go?",
            "purpose": (
                "Acquaint the district with the strategic planning process. The process is a "
                "joint endeavor between labor and management: leaders of the board, union and "
                "management attend the introduction session. Afterwards the contract sets final "
                "expectations, roles, responsibilities, costs and timelines."
            ),
            "recommended_length": "Introduction session",
            "expected_outputs": (
                "Leaders of the board, union and management introduced to the process\n"
                "Contract with expectations, roles, responsibilities, costs and timelines\n"
                "Core team named"
            ),
        },
        {
            "name": "Orientation",
            "guiding_question": "Who are we and what are we being asked to do?",
            "purpose": (
                "Paint “The Big Picture” of the strategic planning process so that all strategic "
                "planning team members have a shared understanding of the process and their roles "
                "and responsibilities in helping the district set clear direction for the future."
            ),
            "recommended_length": "One meeting",
            "expected_outputs": (
                "Membership\n"
                "Roles and responsibilities\n"
                "Commitment and schedule\n"
                "Current plan analysis report\n"
                "Strategic plan website"
            ),
        },
        {
            "name": "Environmental scan, data retreat and SWOT analysis",
            "guiding_question": "Where are we now?",
            "purpose": (
                "Develop a shared understanding of the current situation of the district as "
                "identified through data, and paint a clear data picture so the team can identify "
                "what is working well (strengths), what is not working well (weaknesses), possible "
                "areas of need (opportunities) and potential impacts (threats)."
            ),
            "recommended_length": "Six-hour session",
            "expected_outputs": (
                "Environmental scan: satisfaction data, stakeholder survey, forums, needs "
                "assessment, self-assessments\n"
                "SWOT analysis: strengths, weaknesses, opportunities, threats\n"
                "Top themes, ranked by the team"
            ),
        },
        {
            "name": "Vision retreat and preferred future statement",
            "guiding_question": "Where do we want to be?",
            "purpose": (
                "Develop a shared understanding of the current mission, vision, values, beliefs, "
                "commitments and goals; look at best practice research and the SWOT analysis to "
                "paint a clear vision of where the district hopes to be in the future."
            ),
            "recommended_length": "Six-hour session",
            "expected_outputs": (
                "Mission, vision and values, beliefs or commitments\n"
                "Preferred future statement\n"
                "Leadership team's mindset commitments"
            ),
        },
        {
            "name": "Setting direction retreat and draft of plan",
            "guiding_question": "How do we get from where we are to where we want to be?",
            "purpose": (
                "Provide a draft of the strategic plan that can be shared with stakeholders for "
                "input and feedback: long-range goals, goal indicators and measures, and the most "
                "urgent strategies to move the district to a higher level of performance."
            ),
            "recommended_length": "Six-hour session",
            "expected_outputs": (
                "Long-range goals\n"
                "Goal indicators and measures\n"
                "High-priority strategies\n"
                "Draft of the plan for stakeholder review"
            ),
        },
        {
            "name": "Community engagement: feedback and refinement",
            "guiding_question": "Is everyone still with us?",
            "purpose": (
                "Present the draft of the plan for stakeholder review and input, then revise it "
                "based on what stakeholders said."
            ),
            "recommended_length": "Several weeks",
            "expected_outputs": ("Stakeholder feedback on the draft\nRefined draft of the plan"),
        },
        {
            "name": "Refinement and recommendations meeting",
            "guiding_question": "What we will recommend",
            "purpose": (
                "Final meeting of the strategic plan team: review feedback from stakeholders and "
                "make refinements before the plan goes to the superintendent, who will recommend "
                "plan approval to the board of education."
            ),
            "recommended_length": "Three-hour session",
            "expected_outputs": (
                "Core team draft reviewed\n"
                "Stakeholder feedback reviewed\n"
                "Final recommendation to the superintendent"
            ),
        },
        {
            "name": "Strategy action plans",
            "guiding_question": "",
            "purpose": (
                "Develop strategy action plans with a Plan-Do-Study-Act process. Be certain action "
                "plans are SMART, aligned with department leaders and shared decision-making "
                "committees, shaped with input from those they affect, and research-based: doing "
                "the same things produces the same results."
            ),
            "recommended_length": "Ongoing, led by action teams",
            "expected_outputs": (
                "A PDSA action plan for each strategy\n"
                "Owners, dates and resources for each action step"
            ),
        },
        {
            "name": "Plan approval and living the plan",
            "guiding_question": "What are we learning?",
            "purpose": (
                "The board approves the plan, and the district keeps it off the shelf: goals and "
                "strategies aligned to indicators, measures and targets; progress monitoring and "
                "reporting for all stakeholders; ownership and accountability; and resources of "
                "time and money."
            ),
            "recommended_length": "The life of the plan",
            "expected_outputs": (
                "Board approval of the strategic plan\n"
                "One-page strategic plan and support document\n"
                "Progress monitoring and reporting to stakeholders"
            ),
        },
    ],
}

THREE_LEVELS = {
    "key": "values-based-three-levels",
    "name": "Values-based strategic planning: three levels",
    "summary": (
        "Mission and values first, then a three-to-five-year vision, then objectives, goals, "
        "strategies and measures for the next 12-18 months, then action plans with owners and an "
        "executive review."
    ),
    "source": "A consultancy's values-based process in three levels",
    "district_roster": False,
    "phases": [
        {
            "name": "Level one: mission, vision and values",
            "guiding_question": "",
            "purpose": (
                "Focus a senior team around the foundation of the organization: discover current "
                "perceptions and explore industry best practices, then create or validate the "
                "mission, vision and values."
            ),
            "recommended_length": "Day-and-a-half session",
            "expected_outputs": (
                "Complete statements of mission, vision and values\n"
                "A plan to communicate them to the organization and its constituents"
            ),
        },
        {
            "name": "Level two: objectives, goals, strategies and measures",
            "guiding_question": "",
            "purpose": (
                "Establish how the senior team will accomplish its three-to-five-year vision: "
                "understand the current state through a SWOT analysis, then identify strategic "
                "priorities and how they will be measured."
            ),
            "recommended_length": "Day-and-a-half session",
            "expected_outputs": (
                "SWOT analysis\n"
                "Objectives, goals, strategies and measures for the next 12-18 months\n"
                "A plan to communicate them to the organization and its constituents"
            ),
        },
        {
            "name": "Level three: action planning and executive review",
            "guiding_question": "",
            "purpose": (
                "Create action plans and identify owners based on the strategic priorities, then "
                "keep the organization accountable through follow-up meetings and an executive "
                "review."
            ),
            "recommended_length": "One-day session, then follow-up meetings",
            "expected_outputs": (
                "Action plans with owners\n"
                "Accountability and executive review\n"
                "Complete strategic planning report"
            ),
        },
    ],
}

TWELVE_STEPS = {
    "key": "community-12-step",
    "name": "Community strategic planning: 12 steps",
    "summary": (
        "The community is asked first; a committee of community members sets the strategic "
        "direction; action planning teams write the implementation steps; the board approves; "
        "monthly updates close the loop."
    ),
    "source": "A district's 12 steps of strategic planning",
    "district_roster": False,
    "phases": [
        {
            "name": "Collect data",
            "purpose": (
                "Invite community input in a variety of ways (education summit, listening tour, "
                "town hall meetings and other communications) and research best practices and "
                "innovations in education."
            ),
            "expected_outputs": "Community input\nBest practices and innovations reviewed",
        },
        {
            "name": "Synthesize data",
            "purpose": "Identify the themes, ideas and concepts the community prioritized.",
            "expected_outputs": "Themes prioritized by the community",
        },
        {
            "name": "Create strategic direction",
            "purpose": (
                "Based on the data gathered and synthesized, a committee of community members "
                "creates enduring values, mission, strategic boundaries, a student performance "
                "statement and strategies: the framework for the full strategic plan."
            ),
            "expected_outputs": (
                "Values and mission\n"
                "Strategic boundaries\n"
                "Student performance statement\n"
                "Strategies"
            ),
        },
        {
            "name": "Communicate strategic direction",
            "purpose": (
                "Share the strategic direction with the community and get the board of "
                "education's approval of its general direction, authorizing teams to develop "
                "concrete action plans for each strategy."
            ),
            "expected_outputs": "Board approval of the strategic direction",
        },
        {
            "name": "Recruit action planning teams",
            "purpose": (
                "Identify and recruit members of action planning teams of 5-9 people, including "
                "writers, researchers and content experts willing to do the work."
            ),
            "expected_outputs": "An action planning team of 5-9 members for each strategy",
        },
        {
            "name": "Train the action planning teams",
            "purpose": "Prepare the action planning teams for their work.",
            "expected_outputs": "Trained action planning teams",
        },
        {
            "name": "Action teams meet",
            "purpose": (
                "Action teams write the implementation steps for each strategy: reasonable pieces "
                "of work that move the district towards its mission."
            ),
            "expected_outputs": "Implementation steps for each strategy",
        },
        {
            "name": "Present action plans to the strategic direction committee",
            "purpose": (
                "Ensure coherence between the committee's original intention and the action plans."
            ),
            "expected_outputs": "Action plans checked for coherence",
        },
        {
            "name": "Submit the full plan to the board",
            "purpose": (
                "The board reviews the action plans, assesses alignment with district goals, "
                "gives feedback as necessary and approves the final strategic plan."
            ),
            "expected_outputs": "Board-approved strategic plan",
        },
        {
            "name": "Create an implementation schedule",
            "purpose": (
                "Once the plan is approved, the senior leadership team decides which action plan "
                "items to pursue in year one based on resources and priorities, with budgets, "
                "timelines and assignments."
            ),
            "expected_outputs": "Year-one implementation schedule with budgets and assignments",
        },
        {
            "name": "Implement",
            "purpose": "Do the work!",
            "expected_outputs": "Action steps carried out",
        },
        {
            "name": "Feedback loop",
            "purpose": (
                "Monthly updates to the board of education and the community on the progress of "
                "implementation, including successes, road blocks and any changes in plans."
            ),
            "expected_outputs": "Monthly progress updates to the board and the community",
        },
    ],
}

ALIGNMENT_SEVEN_PHASES = {
    "key": "alignment-7-phase",
    "name": "Strategic alignment: 7 phases",
    "summary": (
        "Getting people, processes and programs on the same page, going in the same direction: "
        "from mobilizing the school community to the support of leaders and policymakers, with a "
        "formal reality check of buy-in half-way."
    ),
    "source": "A strategic alignment plan guide in seven phases",
    "district_roster": False,
    "phases": [
        {
            "name": "Readiness",
            "guiding_question": "Is everyone ready to go?",
            "purpose": (
                "Mobilize the entire school community: provide information about the strategic "
                "planning process, solicit input and agree on the path forward."
            ),
            "expected_outputs": "Agreement on the path forward",
        },
        {
            "name": "Current state",
            "guiding_question": "Where are we now?",
            "purpose": (
                "Data-driven assessment of the current state: student growth and achievement; "
                "trust; effectiveness of teaching and learning; management of operations and "
                "resources; and how far a high-trust, standards-driven, accountable culture is "
                "evident."
            ),
            "expected_outputs": "Assessment of the current state",
        },
        {
            "name": "Strategic direction",
            "guiding_question": "Where are we going?",
            "purpose": (
                "Strengthen trust and relationships and reach unity of purpose: clarify purpose "
                "and shared values, set an ‘achievable stretch’ goal for student learning, select "
                "the vital signs of student progress and affirm trust in the goal."
            ),
            "expected_outputs": (
                "Purpose and shared values\n"
                "An achievable stretch goal for student learning\n"
                "Vital signs of student progress"
            ),
        },
        {
            "name": "Reality check",
            "guiding_question": "Is everyone still with us?",
            "purpose": (
                "First formal reality check to enroll stakeholders: share the status of the "
                "planning, assess buy-in and commitment to the goal and vital signs, solicit "
                "feedback on mission and shared values, and ask for individual and group "
                "commitment to the next steps."
            ),
            "expected_outputs": (
                "Buy-in and commitment assessed\nStakeholder feedback\nCommitment to the next steps"
            ),
        },
        {
            "name": "Roadmap",
            "guiding_question": "How are we going to get there?",
            "purpose": (
                "The key capabilities needed to achieve the goal: learn what is important and "
                "what works, complete the instructional focus, select strategies and programs "
                "that fit the schools and district, and outline key activities and tasks."
            ),
            "expected_outputs": (
                "Instructional focus\nStrategies and programs selected\nKey activities and tasks"
            ),
        },
        {
            "name": "Resource alignment",
            "guiding_question": (
                "Have we aligned our resources and responsibilities with the plan?"
            ),
            "purpose": (
                "Align resources (people, time and money) with the priorities of the plan and "
                "clarify performance accountability guidelines."
            ),
            "expected_outputs": "Resources aligned\nAccountability guidelines",
        },
        {
            "name": "Leadership approval",
            "guiding_question": "Do we have the support of our leaders and policymakers?",
            "purpose": (
                "Leadership approval of and commitment to the goal, including district resources, "
                "help with mandates outside the school's direct influence, and community supports "
                "and services."
            ),
            "expected_outputs": "Leadership approval and commitment",
        },
    ],
}

BUILTIN_TEMPLATES = [DISTRICT_NINE_STEPS, THREE_LEVELS, TWELVE_STEPS, ALIGNMENT_SEVEN_PHASES]

PHASE_FIELDS = ("name", "guiding_question", "purpose", "recommended_length", "expected_outputs")


def _put(model, lookup: dict, values: dict):
    """Create the row, or write the fields that differ; a second run writes nothing."""
    obj, created = model.objects.get_or_create(**lookup, defaults=values)
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not created and changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
    return obj


def install_builtin_templates(template_model, phase_model) -> None:
    """Create or refresh the built-in templates (takes models so migrations can pass theirs).

    Built-in templates cannot be edited in the app and engagements keep their own copies of the
    phases, so refreshing a built-in template's phases touches no running engagement.
    """
    for data in BUILTIN_TEMPLATES:
        template = _put(
            template_model,
            {"key": data["key"]},
            {
                "name": data["name"],
                "summary": data["summary"],
                "source": data["source"],
                "district_roster": data["district_roster"],
                "owner": None,
            },
        )
        for position, phase in enumerate(data["phases"]):
            _put(
                phase_model,
                {"template": template, "position": position},
                {field: phase.get(field, "") for field in PHASE_FIELDS},
            )
        template.phases.filter(position__gte=len(data["phases"])).delete()
