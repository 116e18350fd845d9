"""The two frameworks the product ships, written for it from the statutory duties: the arrangements Section 11 of
the Children Act 2004 asks of each partner agency (Working Together to Safeguard Children 2015, chapter 2), and
the duties Section 175 of the Education Act 2002 and Keeping Children Safe in Education (2015) place on schools.

Plain data (no models), read by the data migration that ships version 1 of each and by frameworks_install.
"""

DESCRIPTORS = {
    "rag": {
        1: "Red: not in place, or in place with significant gaps that leave children at risk",
        2: "Amber: partly in place, or in place but not yet embedded in practice across the organisation",
        3: "Green: fully in place, embedded in practice and evidenced",
    },
    "0-3": {
        0: "Not met: no arrangement in place",
        1: "Partly met: an arrangement exists but with significant gaps",
        2: "Mostly met: in place, not yet embedded or evidenced everywhere",
        3: "Fully met: in place, embedded and evidenced",
    },
}

SECTION_11 = {
    "kind": "section_11",
    "name": "Section 11 self-assessment (Children Act 2004)",
    "introduction": (
        "Section 11 of the Children Act 2004 places a duty on each partner agency to make arrangements to ensure "
        "that its functions, and services it contracts to others, are discharged having regard to the need to "
        "safeguard and promote the welfare of children. Score each criterion for your whole organisation, give "
        "the evidence you would show an inspector, and say what you will do where it is not yet Green."
    ),
    "standards": [
        (
            "Senior leadership and accountability",
            "A senior board-level lead, and a clear line of accountability for safeguarding children.",
            [
                "A named member of the senior board or executive team is accountable for safeguarding children.",
                "Safeguarding is reported to the senior board at least once a year, with actions followed up.",
                "Contracts and commissioned services require the provider to meet the Section 11 duty.",
            ],
        ),
        (
            "A clear statement of responsibilities",
            "Staff know their responsibilities towards children, set out in policy they can find.",
            [
                "A safeguarding children policy, in line with the board's procedures, is available to all staff.",
                "The policy has been reviewed in the last two years and staff are told when it changes.",
            ],
        ),
        (
            "Listening to children: their views shape services",
            "A culture of listening to children and taking account of their wishes and feelings.",
            [
                "Children's and families' views are sought and used when services are planned and reviewed.",
                "Staff record children's wishes and feelings in their individual work.",
            ],
        ),
        (
            "Training, supervision and support",
            "Staff working with children or their families have the training, supervision and support they need.",
            [
                "Staff receive safeguarding training at the level their role needs, and it is kept up to date.",
                "Staff in contact with children have regular supervision that covers safeguarding.",
                "Training uptake is recorded and reported to senior managers.",
            ],
        ),
        (
            "Safer recruitment and allegations against staff",
            "Safe recruitment, and clear policies for dealing with allegations against people who work with children.",
            [
                "Recruitment follows safer recruitment practice, with DBS checks at the right level.",
                "A named senior officer manages allegations against staff and liaises with the LADO.",
            ],
        ),
        (
            "A designated professional lead and whistleblowing",
            "A designated lead for safeguarding that staff can go to, and clear whistleblowing procedures.",
            [
                "Staff know who their designated safeguarding lead is and how to reach them.",
                "Whistleblowing procedures are known to staff and protect those who raise concerns.",
            ],
        ),
        (
            "Effective inter-agency working",
            "The agency works with partners, takes part in the board's work and follows its procedures.",
            [
                "The agency attends the board, its subgroups, child protection conferences and core groups.",
                "The agency takes part in multi-agency audits, serious case reviews and learning reviews.",
            ],
        ),
        (
            "Information sharing",
            "Arrangements that set out clearly how and when information about children is shared.",
            [
                "Staff know when and how to share information to protect a child, including without consent.",
                "Information-sharing agreements with partners (including the MASH) are in place and followed.",
            ],
        ),
    ],
}

SECTION_175 = {
    "kind": "section_175",
    "name": "Section 175 self-assessment for schools (Education Act 2002, KCSIE 2015)",
    "introduction": (
        "Section 175 of the Education Act 2002 requires governing bodies and proprietors to make arrangements to "
        "safeguard and promote the welfare of children, having regard to Keeping Children Safe in Education. "
        "Score each criterion for your school, give the evidence, and say what you will do where it is not yet "
        "Green."
    ),
    "standards": [
        (
            "Governance and leadership",
            "The governing body or proprietor makes sure the school meets its safeguarding duties.",
            [
                "A named governor leads on safeguarding and the governing body reviews it each year.",
                "The governing body receives an annual safeguarding report and acts on it.",
            ],
        ),
        (
            "The designated safeguarding lead",
            "A senior member of staff is the designated safeguarding lead, trained and given the time to do it.",
            [
                "The designated safeguarding lead and a deputy are named, trained every two years and known to all.",
                "Child protection files are kept securely and passed on promptly when a child moves school.",
            ],
        ),
        (
            "Policies and procedures",
            "A child protection policy, a staff behaviour policy and procedures in line with the board's.",
            [
                "The child protection policy is reviewed each year, published and follows the board's procedures.",
                "A staff behaviour policy (code of conduct) covers acceptable use of technologies and communication.",
            ],
        ),
        (
            "Staff training and induction",
            "All staff read Part 1 of KCSIE, are trained at induction and updated regularly.",
            [
                "All staff have read Part 1 of Keeping Children Safe in Education and confirmed it.",
                "Induction covers the child protection policy, the staff behaviour policy and the DSL's role.",
                "Staff receive safeguarding and child protection training updates at least annually.",
            ],
        ),
        (
            "Safer recruitment",
            "Staff and volunteers are recruited safely and the single central record is complete.",
            [
                "At least one person on each appointment panel has had safer recruitment training.",
                "The single central record is complete, up to date and checked by a governor.",
            ],
        ),
        (
            "Allegations against staff",
            "Allegations against staff and volunteers are dealt with properly and referred to the LADO.",
            [
                "Staff know how to report a concern about a colleague, and the head knows when to call the LADO.",
            ],
        ),
        (
            "Early help and working with other agencies",
            "The school identifies children who need early help and works with other agencies.",
            [
                "Staff know the signs of abuse and neglect and how to refer to children's social care.",
                "The school contributes to early help assessments, child protection plans and core groups.",
            ],
        ),
        (
            "Teaching children to keep safe",
            "Children are taught about safeguarding, including online safety, through the curriculum.",
            [
                "The curriculum teaches children to keep themselves safe, including online.",
                "Staff know about child sexual exploitation, radicalisation (Prevent) and female genital mutilation.",
            ],
        ),
        (
            "Children who may be more vulnerable",
            "Looked-after children, children missing education and children with SEND are looked after.",
            [
                "A designated teacher promotes the education of looked-after children.",
                "Children missing from education are followed up and reported to the local authority.",
            ],
        ),
    ],
}

FRAMEWORKS = [SECTION_11, SECTION_175]
