"""Riverside's listening for the demo: a closed community survey of 120 respondents and two
listening sessions (a town hall and a listening tour) with what people said.

Built on the engagements demo (engagements.demo.load_demo runs first). Made only when missing:
a survey or session that exists is left as people changed it. The answers come from a fixed
random seed, so every fresh demo has the same ones.
"""

import random
import secrets
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from engagements.models import Engagement

from . import services
from .models import Answer, Comment, ListeningSession, Question, Respondent, Survey

SURVEY_TITLE = "Riverside community survey 2026"
SURVEY_INTRODUCTION = (
    "Riverside Unified is writing its strategic plan for 2027–2032. Tell us what our schools do "
    "well and what should change. It takes about five minutes; your answers are anonymous "
    "unless you were invited by name, and only the facilitator sees who answered."
)
FOCUS = [
    "Reading and math",
    "Student mental health and well-being",
    "Career and college pathways",
    "Communication with families",
    "Keeping great teachers",
    "Safe buildings and safe walks to school",
]
CONTACT = ["Text message", "E-mail", "The school app", "Paper notes sent home", "Phone call"]
KEEP, CHANGE = "keep", "change"
# kind, text, choices (choice only), what its answers lean to (scale: mean point; choice: weights)
QUESTIONS = [
    (Question.Kind.SCALE, "My school (or my child’s school) is a welcoming place.", [], 3.9),
    (Question.Kind.SCALE, "I get the information I need from the district, in time.", [], 3.0),
    (
        Question.Kind.SCALE,
        "Riverside prepares students well for life after high school.",
        [],
        3.3,
    ),
    (Question.Kind.SCALE, "Students are safe at school and on the way there.", [], 3.4),
    (Question.Kind.SCALE, "Classes are small enough for students to get help.", [], 2.7),
    (
        Question.Kind.CHOICE,
        "Which ONE area should the new plan work on first?",
        FOCUS,
        [16, 22, 18, 15, 17, 12],
    ),
    (
        Question.Kind.CHOICE,
        "How do you like to hear from your school?",
        CONTACT,
        [34, 24, 20, 8, 6],
    ),
    (
        Question.Kind.OPEN,
        "What is one thing Riverside schools do well that we should keep?",
        [],
        KEEP,
    ),
    (Question.Kind.OPEN, "What is one thing you would change in the next five years?", [], CHANGE),
]
# How many answered from each stakeholder group: some groups under five, so the results page
# shows the small-group rule at work.
RESPONDENTS = {
    "Parents": 46,
    "Staff": 34,
    "Students (high school)": 17,
    "Community": 14,
    "Union": 3,
    "Building leadership": 3,
    "Board": 2,
    "District leadership": 1,
}
# Invited by name (the others answered through the public link, anonymously).
INVITED = [
    ("Community", "Harold Jenkins", "harold.jenkins@example.org"),
    ("Community", "Beatriz Morales", "beatriz.morales@example.org"),
    ("Community", "Pastor Dwayne Hill", "dwayne.hill@example.org"),
    ("Community", "Linda Chao", "linda.chao@example.org"),
    ("Board", "Margaret Olsen", "margaret.olsen@example.org"),
    ("Union", "Ray Dominguez", "ray.dominguez@example.org"),
    ("Building leadership", "Anne Whitaker", "anne.whitaker@example.org"),
    ("Parents", "Kim Tran", "kim.tran@example.org"),
]
# Which open answers each group writes in.
VOICE = {
    "Parents": "parents",
    "Staff": "staff",
    "Union": "staff",
    "Building leadership": "staff",
    "Students (high school)": "students",
    "Community": "community",
    "Board": "community",
    "District leadership": "community",
}
OPEN_ANSWERS = {
    ("parents", KEEP): [
        "The teachers at Lincoln know my kids by name and call me when something is off.",
        "Music and theater. My daughter found her people in the spring musical.",
        "The reading help my son got in 2nd grade changed everything for him.",
        "Parent volunteers are welcome in the classroom. Please keep that.",
        "Las maestras son muy pacientes con mi hijo. Gracias por la clase de inglés para padres.",
        "The early childhood program. Best start we could have asked for.",
        "Small things like the principal standing at the door every morning.",
        "After-school clubs that don’t cost anything.",
        "The counselor at Riverside High helped my son through a really hard year.",
        "Open house nights where we actually get to talk to teachers.",
        "Sports. It keeps a lot of kids coming to school.",
        "The dual credit classes. My oldest started college with a semester done.",
        "Keep the interpreters at conferences, they make a big difference for our family.",
        "Teachers who answer e-mails the same day.",
    ],
    ("parents", CHANGE): [
        "I find out about things the day before. Tell us a week ahead, by text please.",
        "Each school sends messages a different way. One app for everything would help.",
        "There is no crossing guard at 5th and Maple and the cars go fast. Kids walk there "
        "every day.",
        "Class sizes in 3rd grade are too big, 31 kids in my son’s room.",
        "More counselors. One for 400 kids is not enough.",
        "Que la información llegue en español también, y a tiempo. Muchas veces no entendemos "
        "las cartas.",
        "Mi hija camina sola a la escuela y no hay banquetas en la calle Ríos. Es peligroso.",
        "Help for kids who are anxious about school. My daughter stopped going for weeks and "
        "nobody noticed at first.",
        "High school parents feel left out. Nobody calls unless there is a problem.",
        "Real options for kids who don’t want a 4-year college: trades, apprenticeships.",
        "Fix the bus route on the east side, the stop moved and now kids walk along the highway.",
        "The homework portal is confusing. We need one place to see grades and messages.",
        "Smaller classes in middle school, math especially. My son says he never gets to ask "
        "a question.",
        "Please look at this, it explains what other districts do for safe walking routes: "
        "https://www.saferoutespartnership.org/safe-routes-school",
        "More mental health support, not just a poster in the hallway.",
        "Tell parents what the plan is and then tell us how it’s going.",
        "Too much screen time in class. I want my kid reading real books.",
        "Más clases de apoyo para los niños que están aprendiendo inglés.",
    ],
    ("students", KEEP): [
        "The teachers who actually care if you get it.",
        "Robotics club and the new STEM lab.",
        "Dual credit classes, I already have 12 college credits.",
        "Being able to retake tests.",
        "Student council gets to talk to the principal every month.",
        "the art program honestly",
        "Sports and the band. Its why a lot of us show up.",
        "Mr. Park’s class. He makes history make sense.",
    ],
    ("students", CHANGE): [
        "More counselors. It takes two weeks to get an appointment when you’re stressed.",
        "Classes are too full, 35 in my chemistry class and not enough lab stations.",
        "Let us try real jobs before we graduate, like internships with local companies.",
        "Later start time. Everyone is exhausted.",
        "Teachers should post homework in the same place. Every class uses a different site.",
        "Talk to students before making decisions about us.",
        "There should be a class about money, taxes and getting a job.",
        "mental health days that count as excused",
        "The walk from the bus stop on Route 9 is sketchy in winter, no sidewalk and it’s dark.",
        "More career stuff for people not going to college, like welding or nursing.",
    ],
    ("staff", KEEP): [
        "Our PLC time. Working with my grade-level team is the best part of my week.",
        "The mentoring I had as a new teacher, when we still had it.",
        "Respect between the union and the district. We disagree but we talk.",
        "The reading coaches at Eastside. Our 3rd-grade scores show it.",
        "Community pride. People come to games and concerts.",
        "Freedom to try new things in my classroom.",
        "The STEM labs. Kids are excited to come to science.",
        "Good, safe buildings. Custodial staff are the unsung heroes.",
        "Teachers who stay for years and know the families.",
        "The partnership with the community college.",
        "Our special education team, who are stretched but amazing.",
        "Late-start Wednesdays for planning.",
    ],
    ("staff", CHANGE): [
        "Class sizes. I have 32 students and 6 with IEPs. I can’t reach all of them.",
        "Fewer initiatives at once. Pick three and do them well.",
        "Counselors and social workers in every building. We are seeing more anxiety every "
        "year and teachers are not trained for it.",
        "One way to communicate with families. Right now it’s e-mail, the app, paper and "
        "texts, and families miss things.",
        "Mentoring for new teachers. We lose too many in their first three years.",
        "Pay that keeps up with neighboring districts, or we keep losing people.",
        "Career and technical classes at the high school; local employers keep asking.",
        "Less paperwork in special education so we can teach.",
        "Interpreters for every family conference, not only when we ask two weeks ahead.",
        "Smaller classes in K-3, where it matters most.",
        "Substitutes. When someone is out, the rest of us cover on our planning time.",
        "A safe crossing at Eastside: I watch kids dodge cars every morning at pickup.",
        "Use the data we collect. We do surveys and nothing changes.",
        "Better technology, the same in every classroom.",
    ],
    ("community", KEEP): [
        "The schools are the heart of this town. Keep them open to the community.",
        "The partnership with local businesses for career day.",
        "Balanced budget. Taxpayers notice.",
        "Graduation rates that beat similar districts.",
        "The summer programs with the library.",
        "High school volunteers who help at the food bank.",
    ],
    ("community", CHANGE): [
        "Apprenticeships with local employers. We have jobs and can’t find trained people.",
        "Tell the community what you are doing. I only hear about the schools when there is "
        "a bond vote.",
        "Sidewalks and safe routes to the east side schools; the city and district should do "
        "this together.",
        "Youth mental health. The county has services; connect families to them.",
        "Plan for fewer students, the enrollment numbers are going down.",
        "Open the buildings in the evening for adult classes.",
        "A career center at the high school with real counselors.",
        "More ways for Spanish-speaking families to be involved.",
    ],
}

SESSIONS = [
    (
        "Town hall at Riverside High",
        ListeningSession.Kind.TOWN_HALL,
        -48,
        "Riverside High School auditorium",
        [
            (
                "Parents",
                "My kids walk to Eastside and there is no crossing guard on Maple. "
                "Someone is going to get hurt.",
            ),
            (
                "Parents",
                "I want to know what happens with this plan. We did a survey five "
                "years ago and never heard back.",
            ),
            (
                "Students (high school)",
                "A lot of us are stressed and there’s one counselor for the whole 10th grade.",
            ),
            (
                "Community",
                "Local employers need welders, electricians and nurses. Start those "
                "pathways at the high school.",
            ),
            (
                "Staff",
                "My classes have 34 students. I can’t give feedback to that many every week.",
            ),
            (
                "Parents",
                "Send information in Spanish at the same time as English, not a week later.",
            ),
            (
                "Union",
                "Keep the conversation going with teachers; we want to be part of the solution.",
            ),
            (
                "Community",
                "The schools should tell us good news too, not only when you need a levy.",
            ),
            (
                "Students (high school)",
                "Internships would help us figure out what we actually want to do.",
            ),
            (
                "Parents",
                "The high school feels less welcoming than elementary. No one knows my name there.",
            ),
            (
                "Staff",
                "We need a plan for student mental health, with the county, not just "
                "another assembly.",
            ),
            ("Parents", "Class sizes in kindergarten went up again this year."),
            ("Community", "Use the buildings for the whole town, evenings and summers."),
            (
                "Board",
                "I heard a lot tonight about communication. We need one channel families "
                "can count on.",
            ),
            ("Parents", "Our bus stop moved and now the kids walk along Route 9 with no sidewalk."),
            ("Students (high school)", "Dual credit is great but not everyone knows it exists."),
            ("Staff", "New teachers need mentors. I had one and it’s why I stayed."),
            ("Parents", "My son has anxiety and it took a month to get him seen at school."),
            ("Community", "The graduation rate is something to be proud of. Keep that up."),
            ("Building leadership", "Fewer new programs, more time to do the ones we have well."),
        ],
    ),
    (
        "Eastside Elementary families",
        ListeningSession.Kind.TOUR,
        -41,
        "Eastside Elementary cafeteria (with Spanish interpretation)",
        [
            (
                "Parents",
                "Necesitamos un guardia de cruce en la esquina de la escuela. Los carros no paran.",
            ),
            ("Parents", "The reading teacher helped my daughter so much. Please keep her."),
            (
                "Parents",
                "No sabemos a quién llamar cuando hay un problema. La información llega tarde.",
            ),
            (
                "Parents",
                "There are 29 kids in 2nd grade. The teacher is wonderful but she is "
                "only one person.",
            ),
            (
                "Staff",
                "Families here want to help, but meetings at 3 pm don’t work for parents who work.",
            ),
            (
                "Parents",
                "My son is scared to go to school some mornings. Is there someone he can talk to?",
            ),
            ("Parents", "Text messages are best for us. Paper notes get lost in backpacks."),
            ("Parents", "We walk to school and there are no sidewalks on Ríos Street."),
            (
                "Community",
                "The church can host homework help in the evenings if the school sends tutors.",
            ),
            (
                "Parents",
                "Quiero que mis hijos tengan las mismas oportunidades que los niños de "
                "otras escuelas.",
            ),
            ("Staff", "Absences go up every winter when the walk is dark and cold."),
            ("Parents", "Please have an interpreter at every conference, not only sometimes."),
            ("Parents", "The after-school program fills up in one day. We need more spots."),
            ("Parents", "More counselors for the little ones too, not only in high school."),
            (
                "Building leadership",
                "Chronic absence here fell since the walking school bus "
                "started; we want to grow it.",
            ),
            (
                "Parents",
                "Mi esposo trabaja de noche; los mensajes de texto en español nos ayudan mucho.",
            ),
            ("Parents", "I would like to know what my kid is learning each week."),
            ("Staff", "Smaller reading groups in K-2 would help the kids who are behind."),
        ],
    ),
]


def _scale_point(rng: random.Random, mean: float) -> int:
    return max(1, min(5, round(rng.gauss(mean, 1.0))))


def _at(day, rng: random.Random) -> datetime:
    clock = time(rng.randint(6, 21), rng.randint(0, 59))
    return timezone.make_aware(datetime.combine(day, clock))


@transaction.atomic
def load_listening_demo(engagement: Engagement) -> None:
    groups = {group.name: group for group in engagement.stakeholder_groups.all()}
    facilitator = User.objects.filter(email="facilitator@riverside.example").first()
    today = timezone.localdate()
    if not Survey.objects.filter(engagement=engagement, title=SURVEY_TITLE).exists():
        _survey(engagement, groups, facilitator, today)
    for title, kind, days, place, said in SESSIONS:
        if ListeningSession.objects.filter(engagement=engagement, title=title).exists():
            continue
        session = services.session_save(
            engagement=engagement,
            kind=kind,
            title=title,
            held_on=today + timedelta(days),
            place=place,
        )
        for group, text in said:
            services.comment_add(
                session=session, text=text, group=groups.get(group), by=facilitator
            )


def _survey(engagement: Engagement, groups: dict, facilitator, today) -> None:
    rng = random.Random(2026)  # the same answers every time  # noqa: S311
    opens, closes = today - timedelta(62), today - timedelta(34)
    survey = services.survey_create(
        engagement=engagement,
        by=facilitator,
        title=SURVEY_TITLE,
        introduction=SURVEY_INTRODUCTION,
        opens_on=opens,
        closes_on=closes,
    )
    questions = [
        (
            services.question_save(
                survey=survey, kind=kind, text=text, choices=choices, required=kind != "open"
            ),
            lean,
        )
        for kind, text, choices, lean in QUESTIONS
    ]
    services.survey_open(survey=survey)
    survey.public_token = secrets.token_urlsafe(18)
    survey.save(update_fields=["public_token"])

    pools = {key: rng.sample(texts, len(texts)) for key, texts in OPEN_ANSWERS.items()}
    invited = {}
    for group, name, email in INVITED:
        invited.setdefault(group, []).append((name, email))
    people = [group for group, count in RESPONDENTS.items() for _ in range(count)]
    rng.shuffle(people)
    days = (closes - opens).days
    respondents, answers, comments = [], [], []
    for group_name in people:
        group = groups.get(group_name)
        submitted = _at(opens + timedelta(min(days, int(rng.expovariate(1 / 7)))), rng)
        respondent = Respondent(survey=survey, stakeholder_group=group, submitted_at=submitted)
        if invited.get(group_name):
            respondent.name, respondent.email = invited[group_name].pop()
            respondent.invitation_token_hash = services.token_hash(secrets.token_urlsafe(32))
            respondent.invited_at = timezone.make_aware(datetime.combine(opens, time(9)))
        respondents.append(respondent)
        for question, lean in questions:
            if question.kind == Question.Kind.SCALE:
                answers.append(
                    Answer(respondent=respondent, question=question, scale=_scale_point(rng, lean))
                )
            elif question.kind == Question.Kind.CHOICE:
                choice = rng.choices(question.choices, weights=lean)[0]
                answers.append(Answer(respondent=respondent, question=question, choice=choice))
            else:
                pool = pools[(VOICE[group_name], lean)]
                if pool and rng.random() < 0.8:
                    answer = Answer(respondent=respondent, question=question)
                    answers.append(answer)
                    comments.append(
                        Comment(
                            engagement=engagement,
                            text=pool.pop(),
                            stakeholder_group=group,
                            answer=answer,
                        )
                    )
    Respondent.objects.bulk_create(respondents)
    Answer.objects.bulk_create(answers)
    Comment.objects.bulk_create(comments)
    services.survey_close(
        survey=survey, now=timezone.make_aware(datetime.combine(closes, time(23, 59)))
    )
