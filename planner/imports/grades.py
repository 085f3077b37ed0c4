"""Medical and dental grades and the job roles that choose a leadership level, as staff records spell
them: 'Consultant', 'Specialty Registrar (full)', 'ST4', 'FY1', 'Trust Grade Doctor', 'Clinical
Director - Medical'. Each is read into one name (the names data/levels.json lists); anything else is
None. Works on text already passed through planner.imports.columns.normalise (letters and digits,
lower case), so capitals, spaces and punctuation never matter."""

from __future__ import annotations

import re

CONSULTANT = "Consultant"
SPECIALIST = "Specialist"
ASSOCIATE_SPECIALIST = "Associate Specialist"
SPECIALTY_DOCTOR = "Specialty Doctor"
STAFF_GRADE = "Staff Grade"
SPECIALTY_REGISTRAR = "Specialty Registrar"
CORE_TRAINEE = "Core Trainee"
FOUNDATION_1 = "Foundation Year 1"
FOUNDATION_2 = "Foundation Year 2"
LOCALLY_EMPLOYED = "Locally Employed Doctor"
HOSPITAL_PRACTITIONER = "Hospital Practitioner"
CLINICAL_ASSISTANT = "Clinical Assistant"
CLINICAL_MEDICAL_OFFICER = "Clinical Medical Officer"
SALARIED_DENTIST = "Salaried Dentist"
GRADES = (FOUNDATION_1, FOUNDATION_2, CORE_TRAINEE, SPECIALTY_REGISTRAR, LOCALLY_EMPLOYED, CLINICAL_ASSISTANT,
          HOSPITAL_PRACTITIONER, CLINICAL_MEDICAL_OFFICER, SALARIED_DENTIST, STAFF_GRADE, SPECIALTY_DOCTOR,
          ASSOCIATE_SPECIALIST, SPECIALIST, CONSULTANT)  # as data/levels.json lists them

# Words a record system puts before or after a grade to say it is a medical or dental one, a locum or
# honorary post, or on which contract ('Medical & Dental - Consultant', 'Consultant (Dental)', 'Specialty
# Doctor (2021)', 'Locum Specialty Registrar'); they change nothing.
_NOISE = re.compile(r"^(?:medicalanddental|medicaldental|medical|dental|md|hchs|locum|honorary)*(.+?)"
                    r"(?:medical|dental|locum|(?:19|20)\d\d|contract)*$")
LONGEST = 60  # letters and digits: no grade or job role is spelled longer, so a longer cell is never tried
_SPECIALTY = r"(?:specialty|speciality)"  # both spellings are common, in ESR too

_EXACT = {
    **dict.fromkeys(("consultant", "locumconsultant", "consultantlocum", "honoraryconsultant", "consultantgrade"),
                    CONSULTANT),
    **dict.fromkeys(("specialist", "specialistgrade", "specialistdoctor", "specialistdentist"), SPECIALIST),
    **dict.fromkeys(("associatespecialist", "associatespecialistclosed", "associatespecialistclosedgrade"),
                    ASSOCIATE_SPECIALIST),
    **dict.fromkeys(("specialtydoctor", "specialitydoctor", "specialtydentist", "specialitydentist"),
                    SPECIALTY_DOCTOR),
    **dict.fromkeys(("staffgrade", "staffgradedoctor", "staffgradepractitioner", "staffgradedentist"), STAFF_GRADE),
    **dict.fromkeys(("preregistrationhouseofficer", "houseofficerpreregistration", "prho", "houseofficer",
                     "dentalfoundationtrainee"), FOUNDATION_1),
    **dict.fromkeys(("seniorhouseofficer", "sho"), CORE_TRAINEE),
    **dict.fromkeys(("clinicalfellow", "juniorclinicalfellow", "seniorclinicalfellow", "trustfellow",
                     "teachingfellow", "led", "nontrainingdoctor", "nontraininggrade", "nontraininggradedoctor"),
                    LOCALLY_EMPLOYED),
    "hospitalpractitioner": HOSPITAL_PRACTITIONER,
    "clinicalassistant": CLINICAL_ASSISTANT,
    **dict.fromkeys(("clinicalmedicalofficer", "seniorclinicalmedicalofficer"), CLINICAL_MEDICAL_OFFICER),
    **dict.fromkeys(("salarieddentist", "salarieddentalpractitioner", "communitydentalofficer",
                     "seniordentalofficer", "dentalofficer", "seniorcommunitydentalofficer"), SALARIED_DENTIST),
}
# Grades with a year of training: FY1, 'Foundation Doctor Year 2', CT2, 'Core Trainee Year 3', ST4,
# 'Specialty Registrar (full)', 'StR', 'GPST2'.
_FOUNDATION = re.compile(r"^(?:fy|f|fho|foundationyear|foundationdoctoryear|foundationdoctor|foundationhouseofficer"
                         r"|foundationtrainee|foundationtraineeyear|foundationprogramme)([12])(?:doctor|trainee)?"
                         r"(?:fy[12]|f[12])?$")
_CORE = re.compile(r"^(?:(?:ct|dct|coretraineeyear|coretraineelevel|coretrainingyear|coretraininglevel)[1-3]"
                   r"|(?:coretrainee|coretraining|coremedicaltrainee|coresurgicaltrainee|core" + _SPECIALTY +
                   r"trainee|dentalcoretrainee|internalmedicinetrainee|imt)[1-3]?"
                   r"|" + _SPECIALTY + r"registrarcoretraining|" + _SPECIALTY + r"registrarcore)"
                   r"(?:(?:to)?[1-3])?(?:(?:to)?d?ct[1-3](?:to[1-3]|[1-3])?)?$")  # CT1-3, 'Core Trainee (CT2)'

_REGISTRAR = re.compile(r"^(?:(?:st|gpst|str|spr|" + _SPECIALTY + r"registraryear|" + _SPECIALTY + r"traineeyear)[1-8]"
                        r"|str|spr|" + _SPECIALTY + r"registrar[1-8]?|specialistregistrar[1-8]?|" + _SPECIALTY +
                        r"trainee[1-8]?|registrar|seniorregistrar|gpregistrar|gp" + _SPECIALTY + r"registrar"
                        r"|gp" + _SPECIALTY + r"trainee|higher" + _SPECIALTY + r"trainee)"
                        r"(?:(?:to)?[1-8])?"  # ST1-8, ST3 to ST8
                        r"(?:full|fixedterm|ltft|registrar|str|spr|(?:to)?st[1-8](?:to[1-8]|[1-8])?)?$")
# Doctors a trust employs outside a training programme: 'Trust Grade', 'Trust Grade Doctor - Foundation
# Level', 'Locally Employed Doctor (Registrar level)'.
_LOCAL = ("trustgrade", "trustdoctor", "locallyemployed")

_ROLES = {
    **dict.fromkeys(("medicaldirector", "executivemedicaldirector", "chiefmedicalofficer", "trustmedicaldirector"),
                    "Medical Director"),
    **dict.fromkeys(("associatemedicaldirector", "deputymedicaldirector", "divisionalmedicaldirector",
                     "assistantmedicaldirector"), "Associate Medical Director"),
    **dict.fromkeys(("clinicaldirector", "divisionalclinicaldirector"), "Clinical Director"),
    **dict.fromkeys(("clinicallead", "leadclinician"), "Clinical Lead"),
}


def parse_grade(words: str) -> str | None:
    """The medical or dental grade ('Consultant', 'Specialty Registrar', ...) that normalised text names,
    or None."""
    if len(words) > LONGEST:
        return None  # and the patterns never run on a long cell, which could take them quadratic time
    found = _grade(words)
    if found is None:
        match = _NOISE.match(words)
        if match and match.group(1) != words:
            found = _grade(match.group(1))
    return found


def _grade(words: str) -> str | None:
    if words in _EXACT:
        return _EXACT[words]
    if words.startswith(_LOCAL):
        return LOCALLY_EMPLOYED
    foundation = _FOUNDATION.match(words)
    if foundation:
        return FOUNDATION_1 if foundation.group(1) == "1" else FOUNDATION_2
    if _CORE.match(words):
        return CORE_TRAINEE
    if _REGISTRAR.match(words):
        return SPECIALTY_REGISTRAR
    return None


def parse_job_role(words: str) -> str | None:
    """The leadership job role ('Medical Director', 'Clinical Director', ...) that normalised text names,
    or None (most job roles choose no level: 'Staff Nurse', 'Consultant')."""
    if len(words) > LONGEST:
        return None
    found = _ROLES.get(words)
    if found is None:
        match = _NOISE.match(words)
        if match:
            found = _ROLES.get(match.group(1))
    return found
