"""Closed lists of the domain's words, shared by every event and API."""

from enum import StrEnum


class RiskGroup(StrEnum):
    """Why a person is far from the labour market (special-category for some values)."""

    LONG_TERM_UNEMPLOYED = "long_term_unemployed"
    UNEMPLOYED = "unemployed"
    INACTIVE = "inactive"
    YOUNG_NEET = "young_neet"
    SINGLE_PARENT = "single_parent"
    RELEASED_FROM_PRISON = "released_from_prison"
    ADDICTION_RECOVERY = "addiction_recovery"
    DISABILITY = "disability"
    LOW_SKILLS = "low_skills"
    MIGRANT_OR_MINORITY = "migrant_or_minority"
    OTHER_DISADVANTAGED = "other_disadvantaged"


class LabourMarketStatus(StrEnum):
    """Labour-market status at entry (ESF: exactly one per participant)."""

    UNEMPLOYED = "unemployed"
    LONG_TERM_UNEMPLOYED = "long_term_unemployed"
    INACTIVE = "inactive"
    EMPLOYED = "employed"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    NON_BINARY = "non_binary"
    UNKNOWN = "unknown"


class Transport(StrEnum):
    NONE = "none"
    PUBLIC = "public"
    CAR = "car"
    BICYCLE = "bicycle"


class ConsentPurpose(StrEnum):
    """What the participant agreed their data may be used for; each may be withdrawn alone."""

    CASE_MANAGEMENT = "case_management"
    MATCHING = "matching"
    EMPLOYER_CONTACT = "employer_contact"
    REPORTING = "reporting"
    FOLLOW_UP = "follow_up"


class ActivityType(StrEnum):
    ADAPTATION_TRAINING = "adaptation_training"
    WORK_PRACTICE = "work_practice"
    VOCATIONAL_TRAINING = "vocational_training"
    COACHING_SESSION = "coaching_session"
    SUPPORT_MEETING = "support_meeting"
    TELEWORK_TRAINING = "telework_training"
    JOB_SEARCH = "job_search"
    OTHER = "other"


class MeetingKind(StrEnum):
    """A support meeting with one participant, or a team meeting without one (support persons
    with the municipality's social workers, a case conference)."""

    PARTICIPANT_MEETING = "participant_meeting"
    TEAM_MEETING = "team_meeting"


class AttendeeRole(StrEnum):
    """Who an attendance is about."""

    PARTICIPANT = "participant"
    SUPPORT_WORKER = "support_worker"
    OTHER = "other"


class AttendanceStatus(StrEnum):
    """Whether an attendee came; `no_show` (did not come, without notice) only for participants."""

    PRESENT = "present"
    EXCUSED = "excused"
    NO_SHOW = "no_show"


class ActivityStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    DROPPED = "dropped"


class ProviderKind(StrEnum):
    WORKSHOP = "workshop"
    ASSOCIATION = "association"
    EMPLOYER = "employer"
    TRAINING_CENTRE = "training_centre"


class OrganisationKind(StrEnum):
    ASSOCIATION = "association"
    SOCIAL_ENTERPRISE = "social_enterprise"
    CENTRAL_WORKSHOP = "central_workshop"
    SATELLITE_WORKSHOP = "satellite_workshop"
    TELEWORK_CENTRE = "telework_centre"
    PUBLIC_BODY = "public_body"
    EMPLOYER = "employer"


class DeclineCode(StrEnum):
    """Why an organisation declined a proposal (free text besides; required with `other`)."""

    NOT_REACHABLE = "not_reachable"
    POSITION_FILLED = "position_filled"
    SKILLS_DO_NOT_FIT = "skills_do_not_fit"
    PARTICIPANT_DECLINED = "participant_declined"
    OTHER = "other"


class OpeningKind(StrEnum):
    WORK_PRACTICE = "work_practice"
    WORKSHOP_PLACE = "workshop_place"
    LOW_THRESHOLD_JOB = "low_threshold_job"
    WAGE_SUBSIDISED_JOB = "wage_subsidised_job"
    REGULAR_JOB = "regular_job"
    VOLUNTEERING = "volunteering"
    TRAINING_PLACE = "training_place"


class PlacementOutcome(StrEnum):
    COMPLETED = "completed"
    HIRED = "hired"
    DROPPED_OUT = "dropped_out"
    ENDED_BY_ORGANISATION = "ended_by_organisation"


class ExitOutcome(StrEnum):
    """Situation upon leaving (ESF immediate results)."""

    EMPLOYED = "employed"
    SELF_EMPLOYED = "self_employed"
    EDUCATION_OR_TRAINING = "education_or_training"
    QUALIFICATION_GAINED = "qualification_gained"
    JOB_SEARCHING = "job_searching"
    INACTIVE = "inactive"
    OTHER = "other"


class FollowUpOutcome(StrEnum):
    """Situation six months after leaving (ESF longer-term results)."""

    EMPLOYED = "employed"
    SELF_EMPLOYED = "self_employed"
    IMPROVED_SITUATION = "improved_situation"
    EDUCATION_OR_TRAINING = "education_or_training"
    JOB_SEARCHING = "job_searching"
    INACTIVE = "inactive"
    OTHER = "other"
    NOT_REACHED = "not_reached"


EMPLOYED_OUTCOMES = frozenset({"employed", "self_employed", "improved_situation"})
"""Outcome values that count as being in employment (including self-employment)."""
