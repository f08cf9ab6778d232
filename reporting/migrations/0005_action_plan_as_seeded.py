# Issue 17 part 3: the strategic action plan as loaded by 0002 matches seed 002's text exactly.
#
# 0002 read the plan from a copy that kept only the first row of each action: an action continued
# over a page break, or with a further "how" and its own "who" and "when", lost the rest (1.4 stopped
# at "the same definition of"), action 3.7 (licensing) was left out, and the priorities' leads were
# reworded. reporting/data/action_plan.json is now the seed's text, so a new installation loads it
# right; this corrects an existing one.
#
# Nothing the group changed since is overwritten: a field is corrected only while it still holds
# exactly what 0002 loaded, and the seed's rating only while it is the one 0002 recorded (dated
# 1 March 2016, by nobody). Each correction is kept in the plan's history with the value before it.

from datetime import date

from django.db import migrations

SEED_RATING_DATE = date(2016, 3, 1)
REASON = "Corrected to the wording of the 2016 action plan (seed 002), which the first load cut short."

# number: {field: (as 0002 loaded it, as the seed words it)}
PRIORITIES = {
    1: {"lead": ("LSCB (MET Group)", "LSCB (MET GROUP)")},
    3: {"lead": ("Barnardo's", "BARNARDO’s")},
    4: {
        "title": ("Intervene to protect", "Intervene to Protect"),
        "lead": ("MASH (Multi Agency Safeguarding Hub)", "(MASH) Multi Agency Safeguarding Hub"),
    },
    5: {"lead": ("Hampshire Constabulary", "HAMPSHIRE CONSTABULARY")},
}

# ref: {field: (as 0002 loaded it, as the seed words it)}; "commentary" is the seed's rating's.
ACTIONS = {
    "1.1": {
        "how": (
            "Review how agencies have used data to drive their responses and influence service delivery "
            "to vulnerable children and their families, who are at risk of MET. Analyse and improve MET "
            "Data set, including to provide a commentary for reporting to the LSCB",
            "Review how agencies have used data to drive their responses and influence service delivery "
            "to vulnerable children and their families, who are at risk of MET.\n"
            "Analyse and improve MET Data set, including to provide a commentary for reporting to the "
            "LSCB",
        ),
        "difference": (
            "Give a complete understanding of the local picture (including prevalence) so that "
            "services can be designed and delivered where they are needed. Children effectively "
            "safeguarded because gaps in service design and delivery have been acted upon. To "
            "ensure identified MET gaps and risks are informing commissioning decisions.",
            "Give a complete understanding of the local picture (including prevalence) so that "
            "services can be designed and delivered where they are needed. Children effectively "
            "safeguarded because gaps in service design and delivery have been acted upon.\n"
            "To ensure identified MET gaps and risks are informing commissioning decisions.",
        ),
        "commentary": (
            "Data is collected and reported to the MET Strategic Group in Southampton. Further "
            "development is required to ensure its use is consistent across the 4LSCB area. "
            "Meeting taking place March 2016.",
            "Data is collected and reported to the MET Strategic Group in Southampton. Further "
            "development is required to ensure its use is consistent across the 4LSCB area.\n"
            "Meeting taking place March 2016.",
        ),
    },
    "1.2": {
        "how": (
            "The progress of the action plan to be scrutinised on a 6 monthly basis by MET Group and "
            "the Board. Partners are held to account for urgency and priority of progress. Lessons are "
            "learned through multi-agency MET Audits.",
            "The progress of the action plan to be scrutinised on a 6 monthly basis by MET Group and "
            "the Board.\n"
            "Partners are held to account for urgency and priority of progress.\n"
            "Lessons are learned through multi-agency MET Audits.",
        ),
        "difference": (
            "Increase in the number of referrals in relation to MET (short/medium term). "
            "Reduction in the number of children at risk of being MET. Successful safeguarding "
            "plans. Children at the centre of practice. Confident and competent workforce. "
            "Successful investigations and prosecutions. Board members are cited on the issues "
            "and can take them back",
            "Increase in the number of referrals in relation to MET (short/medium term).\n"
            "Reduction in the number of children at risk of being MET.\n"
            "Successful safeguarding plans.\n"
            "Children at the centre of practice.\n"
            "Confident and competent workforce.\n"
            "Successful investigations and prosecutions.\n"
            "Board members are cited on the issues and can take them back into their own "
            "agencies.",
        ),
        "commentary": (
            "This plan is a refreshed – MET Strategic Group is monitoring progress. Multi agency "
            "audits are taking place to assess quality of provision Evaluation of the audits "
            "will take place at MET strategic group.",
            "• This plan is a refreshed – MET Strategic Group is monitoring progress.\n"
            "• Multi agency audits are taking place to assess quality of provision\n"
            "• Evaluation of the audits will take place at MET strategic group.",
        ),
    },
    "1.3": {
        "how": (
            "Links with the Serious Youth Crime strategy to be established to inform detail of work in this area.",
            "Links with the Serious Youth Crime strategy to be established to inform detail of work in "
            "this area.\n"
            "Identify links between strategic plans and present detail to the MET Group",
        ),
        "difference": (
            "Successful safeguarding plans.",
            "Successful safeguarding plans.\n"
            "Successful prosecutions.\n"
            "Enable targeted preventative, protective and disruptive activity and higher "
            "prosecution activity.",
        ),
    },
    "1.4": {
        "what": (
            "Ensure that all professionals are working to the same definition of",
            "Ensure that all professionals are working to the same definition of MET/CSE. (The "
            "National Working Group Network definition) 2009",
        ),
        "difference": (
            "All professionals are clear about what we are trying to achieve",
            "All professionals are clear about what we are trying to achieve and their roles and responsibilities.",
        ),
        "commentary": (".", ""),
    },
    "1.5": {
        "how": (
            "Agencies to produce policy and be audited through S 11 audits. Promotion through training "
            "and internal communications.",
            "Agencies to produce policy and be audited through S 11 audits.\n"
            "Promotion through training and internal communications.",
        )
    },
    "1.6": {
        "what": (
            "Raise awareness across the workforce ensuring all frontline and strategic staff recognise "
            "the warning signs of MET, understanding and acting on them in",
            "Raise awareness across the workforce ensuring all frontline and strategic staff recognise "
            "the warning signs of MET, understanding and acting on them in an appropriate and timely "
            "manner.",
        ),
        "how": (
            "Gap analysis of staff across partners to inform and develop ongoing training and awareness "
            "strategy and plan – through staff survey. Deliver multi agency training to raise awareness "
            "of Trafficking.",
            "Gap analysis of staff across partners to inform and develop ongoing training and awareness "
            "strategy and plan – through staff survey.\n"
            "Deliver multi agency training to raise awareness of Trafficking.",
        ),
        "commentary": (
            "Some services report confidence in workforce knowledge or of plans in place to "
            "improve this. Areas for development and further identification / action include: "
            "Community nursing Probation Housing",
            "Some services report confidence in workforce knowledge or of plans in place to "
            "improve this. Areas for development and further identification / action include:\n"
            "• Community nursing\n"
            "• Probation\n"
            "• Housing\n"
            "• Police (will identify via survey)\n"
            "• Schools\n"
            "• Links to community and faith groups\n"
            "• Independent & Local Authority Foster Carer Agencies",
        ),
    },
    "2.1": {
        "how": (
            "SERAF tool to be amended to include an update on the numerical recording and to ensure "
            "that assessments are evidence based, have got a clear evaluation and are based on recent "
            "risk factors (i.e. within the last 6 months.) Ensure use of the SERAF as the consistent "
            "risk assessment tool across all agencies for CSE. Ensure use of National Referral "
            "Mechanism for trafficking.",
            "SERAF tool to be amended to include an update on the numerical recording and to ensure "
            "that assessments are evidence based, have got a clear evaluation and are based on recent "
            "risk factors (i.e. within the last 6 months.)\n"
            "Ensure use of the SERAF as the consistent risk assessment tool across all agencies for "
            "CSE.\n"
            "Ensure use of National Referral Mechanism for trafficking.",
        ),
        "who": ("Hampshire Police MASH / CSE Hub", "Hampshire Police\nMASH / CSE Hub"),
        "commentary": (
            "Local authority have led on ensuring SERAF used. Some work to do to ensure "
            "consistency of use across agencies and 4LSCB areas. Meeting taking place in March "
            "2016. Areas to consider further development in future for training and use of "
            "SERAF: Police Education / Schools Health including GP's Housing / Homelessness "
            "Commissioned services including fostering.",
            "Local authority have led on ensuring SERAF used. Some work to do to ensure "
            "consistency of use across agencies and 4LSCB areas. Meeting taking place in March "
            "2016.\n"
            "Areas to consider further development in future for training and use of SERAF: "
            "Police Education / Schools Health including GP's Housing / Homelessness "
            "Commissioned services including fostering.",
        ),
    },
    "2.2": {
        "how": (
            "Continue CSE Hub. This team comprises social care, the police, health colleagues and "
            "Barnardo's. This team is co-located. Identify funding for posts to continue this work.",
            "Continue CSE Hub. This team comprises social care, the police, health colleagues and "
            "Barnardo's. This team is co-located.\n"
            "Identify funding for posts to continue this work.",
        )
    },
    "2.3": {
        "how": (
            "Implement information sharing protocol.",
            "Implement information sharing protocol.\n"
            "Ensure effective information sharing and intelligence gathering processes are in place.\n"
            "Measure intelligence provided to the police via CPI submissions.",
        ),
        "who": ("MET operational group", "MET operational group\nPolice"),
        "when": ("September 2016", "September 2016\nSeptember 2016\nSeptember 2016"),
        "difference": (
            "Sharing of information will allow effective management and mitigation of risk to victims.",
            "Sharing of information will allow effective management and mitigation of risk to "
            "victims.\n"
            "Facilitate targeting of perpetrators\n"
            "Raising awareness of hotspot locations of MET",
        ),
    },
    "2.4": {
        "commentary": (
            "Meeting for MASH manager and Adults / LAC services to be arranged. Consider audit "
            "of this topic in thematic audit work.",
            "Meeting for MASH manager and Adults / LAC services to be arranged.\n"
            "Consider audit of this topic in thematic audit work.",
        )
    },
    "3.1": {
        "how": (
            "Create a joined up internal and external media/communication plan with a calendar of "
            "events. Children to be educated on how to keep themselves safe and what to do if they do "
            "not feel safe.",
            "Create a joined up internal and external media/communication plan with a calendar of "
            "events.\n"
            "Children to be educated on how to keep themselves safe and what to do if they do not feel "
            "safe.\n"
            "Foster carers/ independent fostering agencies and residential workers must be a part of "
            "this.",
        ),
        "who": (
            "MET Strategic Group and Community Engagement Group Education / SCC",
            "MET Strategic Group and Community Engagement Group\nEducation / SCC",
        ),
        "difference": (
            "Increased public and professional recognition of MET. Increased parental awareness "
            "of the risks. Reduction in the risks of MET.",
            "Increased public and professional recognition of MET.\n"
            "Increased parental awareness of the risks.\n"
            "Reduction in the risks of MET.\n"
            "Improved family relationships.\n"
            "Children better able to keep themselves safe.",
        ),
    },
    "3.2": {
        "how": (
            "Promote and encourage Governors to hold schools to account for this objective. To "
            "encourage Head Teachers to add to the curriculum and ensure staff are aware To provide "
            "resources to schools and colleges (safe4me). To promote awareness raising materials and "
            "productions (Chelsea's Choice/Looking out for Lottie)",
            "Promote and encourage Governors to hold schools to account for this objective.\n"
            "To encourage Head Teachers to add to the curriculum and ensure staff are aware\n"
            "To provide resources to schools and colleges (safe4me).\n"
            "To promote awareness raising materials and productions (Chelsea's Choice/Looking out for "
            "Lottie)",
        ),
        "when": (
            "Training for Governors completed Feb 2016 September 2016",
            "Training for Governors completed Feb 2016\nSeptember 2016",
        ),
        "difference": (
            "Children better able to keep themselves safe. Children know what to do if they "
            "don't feel safe. Schools can recognise signs/concerns and can intervene and support "
            "and refer as appropriate. Increased self-esteem.",
            "Children better able to keep themselves safe.\n"
            "Children know what to do if they don't feel safe.\n"
            "Schools can recognise signs/concerns and can intervene and support and refer as "
            "appropriate.\n"
            "Increased self-esteem.",
        ),
        "commentary": (
            "Training for School Governors Delivered. STAR project leading a group of providers "
            "of PSHE work including Police. Plans to raise this at Head Teacher Conferences & "
            "via education and early years newsletters.",
            "Training for School Governors Delivered.\n"
            "STAR project leading a group of providers of PSHE work including Police.\n"
            "Plans to raise this at Head Teacher Conferences & via education and early years "
            "newsletters.",
        ),
    },
    "3.3": {
        "how": (
            "Evaluate the current position of potential under-reporting in diverse communities. "
            "Training reviewed to ensure the issues within diverse communities is included. Report on "
            "outcomes to LSCB of community engagement work.",
            "Evaluate the current position of potential under-reporting in diverse communities.\n"
            "Training reviewed to ensure the issues within diverse communities is included.\n"
            "Report on outcomes to LSCB of community engagement work.",
        )
    },
    "3.5": {
        "how": (
            "To ensure findings from SCR's and other research/good practices is used to inform content "
            "of the multi-agency/single agency training plans. Ensure all training, policies and "
            "procedures are based on national guidance and developments. To evaluate the quality and "
            "attendance of such training and to identify fill gaps in training. To agree need for and "
            "evaluate the take-up of e-learning package.",
            "To ensure findings from SCR's and other research/good practices is used to inform content "
            "of the multi-agency/single agency training plans.\n"
            "Ensure all training, policies and procedures are based on national guidance and "
            "developments.\n"
            "To evaluate the quality and attendance of such training and to identify fill gaps in "
            "training.\n"
            "To agree need for and evaluate the take-up of e-learning package.",
        ),
        "commentary": (
            "Local events take place, to expand to include wider national learning on MET "
            "issues. L&D group evaluation will include attendance at training.",
            "Local events take place, to expand to include wider national learning on MET "
            "issues.\n"
            "L&D group evaluation will include attendance at training.",
        ),
    },
    "3.6": {
        "how": (
            "Ensure relevant SCC departments for school transport are fully involved in this plan and "
            "process. Include safeguarding children in transport relevant services Section 11 self- "
            "assessments. Relevant health providers will include safeguarding children in transport in "
            "their Section 11 self-assessments. Any other agency who commission or provide transport "
            "for children will include safeguarding children in transport in their Section 11 "
            "self-assessments.",
            "Ensure relevant SCC departments for school transport are fully involved in this plan and "
            "process.\n"
            "Include safeguarding children in transport relevant services Section 11 self- "
            "assessments.\n"
            "Relevant health providers will include safeguarding children in transport in their Section "
            "11 self-assessments.\n"
            "Any other agency who commission or provide transport for children will include "
            "safeguarding children in transport in their Section 11 self-assessments.",
        ),
        "who": (
            "Integrated Commissioning Unit / CCG School / Adults Transport SCC & Police Licensing",
            "Integrated Commissioning Unit / CCG\nSchool / Adults Transport\nSCC & Police Licensing",
        ),
    },
    "3.8": {
        "how": (
            "Engage with children via focus groups to understand what the issues are for them in their local area.",
            "Engage with children via focus groups to understand what the issues are for them in their "
            "local area.\n"
            "Childrens views are gathered on content and distribution of MET messages.\n"
            "Evaluate and explore the MET journey through services where MET is an indicator factor.",
        ),
        "commentary": (
            "Children and young people's engagement strategy drafted by SCC staff.",
            "Children and young people's engagement strategy drafted by SCC staff.\n"
            "Need to engage with 6th Form age / establishments\n"
            "Police teams consult with children via Safe 4 Me.\n"
            "MET audits include 'voice of child / young person'.",
        ),
    },
    "3.9": {
        "how": (
            "Local policies and procedures are in place and are being followed. Audit the impact of the "
            "'return' interview process and ensure that patterns and learning is shared across the "
            "agencies.",
            "Local policies and procedures are in place and are being followed.\n"
            "Audit the impact of the 'return' interview process and ensure that patterns and learning "
            "is shared across the agencies.\n"
            "Ensure that this process is also followed for our CiC placed in other authority areas.\n"
            "Ensure that up to date data is available and that patterns/trends are quickly picked up.\n"
            "Report to the QA subgroup and the Board on a 6 monthly basis.",
        ),
        "difference": (
            "Reduction in missing episodes. Reduction in report missing episodes.",
            "Reduction in missing episodes.\nReduction in report missing episodes.",
        ),
        "commentary": (
            "Quality assurance work taking place via MET group. Reports to the group highlight "
            "areas for development in contracting and provision of services to ensure statutory "
            "guidelines are met and quality provision to local children and young people.",
            "Quality assurance work taking place via MET group.\n"
            "Reports to the group highlight areas for development in contracting and provision "
            "of services to ensure statutory guidelines are met and quality provision to local "
            "children and young people.\n"
            "MET Audit focussing on cases of children placed out of area being delivered March "
            "2016. Learning to be fed back to MET group.",
        ),
    },
    "4.1": {
        "what": (
            "Preventative/early help services ensure (a) awareness of MET issues/plans and (b) support "
            "those children who might",
            "Preventative/early help services ensure (a) awareness of MET issues/plans and (b) support "
            "those children who might be identified as at risk of MET.",
        ),
        "how": (
            "Undertake a multi-agency audit of the effectiveness of early help services in identifying, "
            "preventing and supporting children at risk.",
            "Undertake a multi-agency audit of the effectiveness of early help services in identifying, "
            "preventing and supporting children at risk.\n"
            "Children and young people involved in criminality as a result of becoming a victim of MET "
            "are appropriately safeguarded.",
        ),
    },
    "4.2": {
        "how": (
            "Review of current provision and make recommendations about gaps in provision. Multi-agency "
            "funding opportunities to be regularly sourced so that additional specialist support can be "
            "secured. Consideration to any additional specialist workers being placed in CSE Hub.",
            "Review of current provision and make recommendations about gaps in provision.\n"
            "Multi-agency funding opportunities to be regularly sourced so that additional specialist "
            "support can be secured.\n"
            "Consideration to any additional specialist workers being placed in CSE Hub.\n"
            "CAMHS to be represented on the MET Strategic group and ensure that their service is able "
            "to provide support.",
        ),
        "who": (
            "Integrated Commissioning Unit Principal Officer MASH and Early Help.",
            "Integrated Commissioning Unit Principal Officer MASH and Early Help.\nLSCB Team Solent NHS",
        ),
        "when": ("March 2016", "March 2016\nFebruary 2016"),
        "commentary": ("No commentary recorded.", "Green"),
    },
    "4.3": {
        "who": (
            "MET Operational Group SCC Children and Families Services YOS",
            "MET Operational Group\nSCC Children and Families Services\nYOS",
        )
    },
    "5.1": {
        "who": ("MET operational group Hampshire Police Analysts", "MET operational group\nHampshire Police Analysts")
    },
    "5.3": {
        "what": (
            "Develop a mechanism for perpetrator profiling and",
            "Develop a mechanism for perpetrator profiling and intervention to attempt to break the cycle of offending",
        ),
        "how": (
            "Develop a perpetrator toolkit.",
            "Develop a perpetrator toolkit.\n"
            "Identify potential offenders for early intervention and support.\n"
            "Promote and audit the use of the perpetrator toolkit.\n"
            "Pursue opportunities to interact with offenders in order to develop an understanding of "
            "their behaviours and motivations.",
        ),
        "who": (
            "Hampshire Police",
            "Hampshire Police\nPrincipal Officer MASH / Early Help\nMET Operational Group\nMET Strategic Group Chair",
        ),
    },
    "5.4": {
        "how": (
            "Identify what powers are available from partners (licensing/housing/courts etc)",
            "Identify what powers are available from partners (licensing/housing/courts etc)\n"
            "Publicise and implement these ranges of powers amongst partners.",
        ),
        "who": ("Hampshire Police", "Hampshire Police\nHampshire Police"),
        "when": ("By May 2016", "By May 2016\nBy May 2016"),
        "commentary": ("No commentary recorded.", "Amber"),
    },
}

# In the seed, missing from the first load.
MISSING = [
    {
        "ref": "3.7",
        "priority": 3,
        "what": "",
        "how": "Licensing staff should be educated in MET triggers and the range of options to respond.\n"
        "Development of an awareness package for the wider licensing sector (hotels, Licensed premises, "
        "taxi's and chaperones and HCC transport",
        "who": "",
        "when": "",
        "difference": "",
        "rating": "amber",
        "commentary": "Training planned\n"
        "'Making Safe' a MET Police campaign with licensed trade to be utilised in SCC area.",
    }
]

FIELDS = ("what", "how", "who", "when", "difference")


def _label(model, name):
    return str(model._meta.get_field(name).verbose_name).capitalize()


def _shown(value):
    return value if value else "(blank)"


def seq_of(ref):
    tail = ref.split(".", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def correct(apps, schema_editor):
    Priority, PlanAction, RagUpdate, PlanChange = (
        apps.get_model("reporting", name) for name in ("Priority", "PlanAction", "RagUpdate", "PlanChange")
    )
    for action in PlanAction.objects.filter(seq=0):
        action.seq = seq_of(action.ref)
        action.save(update_fields=["seq"])

    for number, fields in PRIORITIES.items():
        priority = Priority.objects.filter(number=number).first()
        if priority is None or PlanChange.objects.filter(priority=priority).exists():
            continue
        changed = []
        for name, (loaded, seed) in fields.items():
            if getattr(priority, name) == loaded:
                setattr(priority, name, seed)
                changed.append([_label(Priority, name), _shown(loaded), _shown(seed)])
        if changed:
            priority.save()
            PlanChange.objects.create(priority=priority, kind="edited", fields=changed, reason=REASON)

    for ref, fields in ACTIONS.items():
        action = PlanAction.objects.filter(ref=ref).first()
        if action is None or PlanChange.objects.filter(action=action).exists():
            continue
        changed = []
        for name, (loaded, seed) in fields.items():
            if name == "commentary":
                rating = RagUpdate.objects.filter(
                    action=action, recorded_by__isnull=True, dated=SEED_RATING_DATE, commentary=loaded
                ).first()
                if rating is not None:
                    rating.commentary = seed
                    rating.save(update_fields=["commentary"])
                    changed.append(["Commentary of the 2016 rating", _shown(loaded), _shown(seed)])
            elif getattr(action, name) == loaded:
                setattr(action, name, seed)
                changed.append([_label(PlanAction, name), _shown(loaded), _shown(seed)])
        if changed:
            action.save()
            PlanChange.objects.create(action=action, kind="edited", fields=changed, reason=REASON)

    for item in MISSING:
        priority = Priority.objects.filter(number=item["priority"]).first()
        if priority is None or PlanAction.objects.filter(ref=item["ref"]).exists():
            continue
        action = PlanAction.objects.create(
            priority=priority, ref=item["ref"], seq=seq_of(item["ref"]), **{name: item[name] for name in FIELDS}
        )
        RagUpdate.objects.create(
            action=action, rating=item["rating"], commentary=item["commentary"], dated=SEED_RATING_DATE
        )
        PlanChange.objects.create(
            action=action,
            kind="created",
            fields=[[_label(PlanAction, name), "", item[name]] for name in FIELDS if item[name]],
            reason=REASON,
        )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0004_plan_keeping")]
    operations = [migrations.RunPython(correct, migrations.RunPython.noop)]
