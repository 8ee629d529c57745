"""The coded values a case file may use, and the ontology term each one means.

These maps are the single definition of the case vocabulary: the case model
takes its allowed values from here, and error messages list them.
"""

from __future__ import annotations

from rdflib import URIRef

from netkg.vocabulary import NETKG

PRIMARY_SITES: dict[str, URIRef] = {
    "pancreas": NETKG.Pancreas,
    "stomach": NETKG.Stomach,
    "duodenum": NETKG.Duodenum,
    "jejunum": NETKG.Jejunum,
    "ileum": NETKG.Ileum,
    "appendix": NETKG.Appendix,
    "colon": NETKG.Colon,
    "sigmoid_colon": NETKG.SigmoidColon,
    "rectum": NETKG.Rectum,
    "lung": NETKG.Lung,
    "unknown": NETKG.UnknownPrimarySite,
}

METASTATIC_SITES: dict[str, URIRef] = {
    "liver": NETKG.Liver,
    "regional_lymph_nodes": NETKG.RegionalLymphNode,
    "distant_lymph_nodes": NETKG.DistantLymphNode,
    "bone": NETKG.Bone,
    "lung": NETKG.Lung,
    "brain": NETKG.Brain,
    "peritoneum": NETKG.Peritoneum,
    "other_abdominal": NETKG.OtherAbdominalSite,
    "other_extra_abdominal": NETKG.OtherExtraAbdominalSite,
}

DIFFERENTIATION: dict[str, URIRef | None] = {
    "well": NETKG.WellDifferentiated,
    "poor": NETKG.PoorlyDifferentiated,
    "unknown": None,
}

SSTR_STATUS: dict[str, URIRef | None] = {
    "positive": NETKG.SSTRPositive,
    "negative": NETKG.SSTRNegative,
    "unknown": None,
}

DISEASE_COURSE: dict[str, URIRef | None] = {
    "progressive": NETKG.Progressive,
    "stable": NETKG.Stable,
    "unknown": None,
}

SYNDROMES: dict[str, URIRef] = {
    "carcinoid_syndrome": NETKG.CarcinoidSyndrome,
    "insulinoma": NETKG.HypoglycaemiaSyndrome,
    "zollinger_ellison": NETKG.ZollingerEllisonSyndrome,
    "vipoma": NETKG.VIPomaSyndrome,
    "glucagonoma": NETKG.GlucagonomaSyndrome,
    "other": NETKG.OtherHormonalSyndrome,
}

HISTOLOGY: dict[str, URIRef | None] = {
    "typical_carcinoid": NETKG.TypicalCarcinoidHistology,
    "atypical_carcinoid": NETKG.AtypicalCarcinoidHistology,
    "large_cell": NETKG.LargeCellHistology,
    "small_cell": NETKG.SmallCellHistology,
    "unknown": None,
}

LUNG_CARCINOID_HISTOLOGY = frozenset({"typical_carcinoid", "atypical_carcinoid"})  # lung primaries only
NEC_HISTOLOGY = frozenset({"large_cell", "small_cell"})  # poorly differentiated carcinomas only

NECROSIS: dict[str, URIRef | None] = {
    "none": NETKG.NoNecrosis,
    "punctate": NETKG.PunctateNecrosis,
    "extensive": NETKG.ExtensiveNecrosis,
    "unknown": None,
}

GASTRIC_TYPES: dict[str, URIRef] = {
    "type_1": NETKG.GastricType1,
    "type_2": NETKG.GastricType2,
    "type_3": NETKG.GastricType3,
}

INVASION_DEPTHS: dict[str, URIRef | None] = {
    "mucosa": NETKG.InvasionMucosa,
    "submucosa": NETKG.InvasionSubmucosa,
    "muscularis_propria": NETKG.InvasionMuscularisPropria,
    "beyond_muscularis_propria": NETKG.InvasionBeyondMuscularisPropria,
    "unknown": None,
}

RESECTION_MARGINS: dict[str, URIRef | None] = {
    "r0": NETKG.MarginR0,
    "r1": NETKG.MarginR1,
    "r2": NETKG.MarginR2,
    "unknown": None,
}

HEREDITARY_SYNDROMES: dict[str, URIRef] = {
    "men1": NETKG.MEN1Syndrome,
    "men4": NETKG.MEN4Syndrome,
    "vhl": NETKG.VHLSyndrome,
    "nf1": NETKG.NF1Syndrome,
    "tsc": NETKG.TSCSyndrome,
    "none_known": NETKG.NoKnownHereditarySyndrome,
}

PRIMARY_COMPLICATIONS: dict[str, URIRef] = {
    "obstruction": NETKG.Obstruction,
    "bleeding": NETKG.Bleeding,
    "perforation_risk": NETKG.PerforationRisk,
}

BONE_METASTASIS_COMPLICATIONS: dict[str, URIRef] = {
    "pain": NETKG.BoneMetastasisPain,
    "fracture_risk": NETKG.BoneMetastasisFractureRisk,
    "spinal_cord_compression": NETKG.SpinalCordCompression,
}

#: For each symptom-status property (a field of kind "symptom status"): its symptomatic and asymptomatic values.
SYMPTOM_STATUSES: dict[URIRef, tuple[URIRef, URIRef]] = {
    NETKG.hasPrimarySymptomStatus: (NETKG.SymptomaticPrimary, NETKG.AsymptomaticPrimary),
    NETKG.hasBoneMetastasisSymptomStatus: (NETKG.SymptomaticBoneMetastases, NETKG.AsymptomaticBoneMetastases),
}

THERAPIES: dict[str, URIRef] = {
    "somatostatin_analog": NETKG.SomatostatinAnalog,
    "octreotide": NETKG.Octreotide,
    "lanreotide": NETKG.Lanreotide,
    "everolimus": NETKG.Everolimus,
    "sunitinib": NETKG.Sunitinib,
    "chemotherapy": NETKG.Chemotherapy,
    "platinum_etoposide": NETKG.PlatinumEtoposide,
    "carboplatin_etoposide": NETKG.CarboplatinEtoposide,
    "cisplatin_etoposide": NETKG.CisplatinEtoposide,
    "temozolomide": NETKG.TemozolomideBasedChemotherapy,
    "streptozocin_based": NETKG.StreptozocinBasedChemotherapy,
    "fluorouracil_dacarbazine_epirubicin": NETKG.FluorouracilDacarbazineEpirubicin,
    "folfox": NETKG.FOLFOX,
    "folfiri": NETKG.FOLFIRI,
    "prrt": NETKG.Lutetium177Dotatate,
    "cabozantinib": NETKG.Cabozantinib,
    "capecitabine_temozolomide": NETKG.CapecitabineTemozolomide,
    "irinotecan_fluoropyrimidine": NETKG.IrinotecanFluoropyrimidine,
    "liposomal_irinotecan_fluorouracil": NETKG.LiposomalIrinotecanFluorouracil,
    "platinum_etoposide_pd_l1_inhibitor": NETKG.PlatinumEtoposidePDL1Inhibitor,
    "telotristat": NETKG.TelotristatEthyl,
    "tae": NETKG.TransarterialEmbolization,
    "tace": NETKG.TransarterialChemoembolization,
    "deb_tace": NETKG.DrugElutingBeadTACE,
    "tare": NETKG.TransarterialRadioembolization,
    "rfa": NETKG.RadiofrequencyAblation,
    "external_beam_radiotherapy": NETKG.ExternalBeamRadiotherapy,
    "primary_resection": NETKG.PrimaryTumourResection,
    "liver_resection": NETKG.LiverMetastasisResection,
    "cytoreductive_surgery": NETKG.CytoreductiveSurgery,
    "liver_transplantation": NETKG.LiverTransplantation,
}

TREATMENT_INTENTS: dict[str, URIRef] = {
    "antitumour": NETKG.AntitumourIntent,
    "syndrome_control": NETKG.SyndromeControlIntent,
    "curative": NETKG.CurativeIntent,
    "palliative": NETKG.PalliativeIntent,
}

TREATMENT_OUTCOMES: dict[str, URIRef] = {
    "ongoing": NETKG.OutcomeOngoing,
    "completed": NETKG.OutcomeCompleted,
    "progressed": NETKG.OutcomeProgressed,
    "toxicity": NETKG.OutcomeToxicity,
    "syndrome_uncontrolled": NETKG.OutcomeSyndromeUncontrolled,
}
