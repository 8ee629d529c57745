// netkg's OWL API tools: the OWL 2 DL profile check and explanations of unsatisfiable classes.
//
// Compiled on first use by netkg.reasoning.owltools against the HermiT jar owlready2 ships
// (OWL API 3.4 and HermiT).  Output: one JSON object per line on stdout.
//
//   profile FILE                     one {"kind":"violation",...} line per OWL 2 DL profile violation
//   explain FILE MAX_JUST SECONDS    {"kind":"coherence",...}, then one {"kind":"unsatisfiable",...}
//                                    line per unsatisfiable named class with up to MAX_JUST
//                                    justifications, found within SECONDS per class
//   entails FILE QUESTIONS           {"kind":"coherence",...}, then one {"kind":"entailment",...} line per
//                                    line "INDIVIDUAL_IRI CLASS_IRI" of QUESTIONS: whether the ontology
//                                    entails ClassAssertion(CLASS INDIVIDUAL), decided by one HermiT
//                                    entailment check each (not read from a realization)

import com.clarkparsia.owlapi.explanation.BlackBoxExplanation;
import com.clarkparsia.owlapi.explanation.HSTExplanationGenerator;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.semanticweb.HermiT.Reasoner;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.AxiomType;
import org.semanticweb.owlapi.model.IRI;
import org.semanticweb.owlapi.model.OWLAxiom;
import org.semanticweb.owlapi.model.OWLClass;
import org.semanticweb.owlapi.model.OWLClassExpression;
import org.semanticweb.owlapi.model.OWLDataFactory;
import org.semanticweb.owlapi.model.OWLEntity;
import org.semanticweb.owlapi.model.OWLEquivalentClassesAxiom;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.model.OWLSubClassOfAxiom;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;
import org.semanticweb.owlapi.reasoner.OWLReasoner;
import org.semanticweb.owlapi.reasoner.OWLReasonerFactory;
import uk.ac.manchester.cs.owlapi.modularity.ModuleType;
import uk.ac.manchester.cs.owlapi.modularity.SyntacticLocalityModuleExtractor;

public final class NetkgOwlTools {

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("profile")) {
            profile(load(args[1]));
        } else if (args.length >= 4 && args[0].equals("explain")) {
            explain(load(args[1]), Integer.parseInt(args[2]), Double.parseDouble(args[3]));
        } else if (args.length >= 3 && args[0].equals("entails")) {
            entails(load(args[1]), Files.readAllLines(new File(args[2]).toPath(), StandardCharsets.UTF_8));
        } else {
            System.err.println("usage: NetkgOwlTools profile FILE | explain FILE MAX_JUSTIFICATIONS SECONDS | entails FILE QUESTIONS");
            System.exit(2);
        }
        System.out.flush();
        System.exit(0);  // stops an explanation thread left behind at its time limit
    }

    private static OWLOntology load(String path) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        manager.setSilentMissingImportsHandling(true);
        return manager.loadOntologyFromOntologyDocument(new File(path));
    }

    private static void profile(OWLOntology ontology) {
        OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
        for (OWLProfileViolation v : report.getViolations()) {
            OWLAxiom axiom = v.getAxiom();
            System.out.println("{\"kind\":\"violation\",\"type\":" + json(v.getClass().getSimpleName())
                + ",\"entity\":" + json(entityOf(v))
                + ",\"axiom\":" + json(axiom == null ? "" : axiom.toString())
                + ",\"message\":" + json(v.toString()) + "}");
        }
    }

    /** The IRI of the entity a violation is about: from its first getter returning an entity or an IRI. */
    private static String entityOf(OWLProfileViolation v) {
        for (Method m : v.getClass().getMethods()) {
            if (m.getParameterTypes().length != 0 || m.getDeclaringClass() == Object.class) continue;
            try {
                if (OWLEntity.class.isAssignableFrom(m.getReturnType())) {
                    Object value = m.invoke(v);
                    if (value != null) return ((OWLEntity) value).getIRI().toString();
                } else if (IRI.class.isAssignableFrom(m.getReturnType()) && !m.getName().equals("getDocumentIRI")) {
                    Object value = m.invoke(v);
                    if (value != null) return value.toString();
                }
            } catch (ReflectiveOperationException e) {
                // not a getter of this violation
            }
        }
        return "";
    }

    /** For each "INDIVIDUAL CLASS" line: does the ontology entail that the individual is an instance of the class? */
    private static void entails(OWLOntology ontology, List<String> questions) {
        OWLReasoner reasoner = new Reasoner.ReasonerFactory().createReasoner(ontology);
        boolean consistent = reasoner.isConsistent();
        System.out.println("{\"kind\":\"coherence\",\"consistent\":" + consistent + ",\"unsatisfiable\":[]}");
        if (!consistent) return;
        OWLDataFactory data = ontology.getOWLOntologyManager().getOWLDataFactory();
        for (String line : questions) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length != 2) continue;
            boolean entailed = reasoner.isEntailed(data.getOWLClassAssertionAxiom(
                data.getOWLClass(IRI.create(parts[1])), data.getOWLNamedIndividual(IRI.create(parts[0]))));
            System.out.println("{\"kind\":\"entailment\",\"individual\":" + json(parts[0]) + ",\"class\":"
                + json(parts[1]) + ",\"entailed\":" + entailed + "}");
        }
    }

    private static void explain(OWLOntology ontology, int maxJustifications, double seconds) throws Exception {
        OWLReasonerFactory factory = new Reasoner.ReasonerFactory();
        OWLReasoner reasoner = factory.createReasoner(ontology);
        boolean consistent = reasoner.isConsistent();
        Set<OWLClass> unsatisfiable = new TreeSet<OWLClass>();
        if (consistent) unsatisfiable.addAll(reasoner.getUnsatisfiableClasses().getEntitiesMinusBottom());
        System.out.println("{\"kind\":\"coherence\",\"consistent\":" + consistent
            + ",\"unsatisfiable\":" + iris(unsatisfiable) + "}");
        System.out.flush();
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        });
        SyntacticLocalityModuleExtractor extractor =
            new SyntacticLocalityModuleExtractor(ontology.getOWLOntologyManager(), ontology, ModuleType.STAR);
        for (final OWLClass cls : unsatisfiable) {
            Future<Set<Set<OWLAxiom>>> future = pool.submit(
                () -> justificationsOf(cls, extractor, factory, maxJustifications));
            StringBuilder out = new StringBuilder("{\"kind\":\"unsatisfiable\",\"class\":" + json(cls.getIRI().toString()));
            try {
                Set<Set<OWLAxiom>> found = future.get((long) (seconds * 1000), TimeUnit.MILLISECONDS);
                out.append(",\"timed_out\":false,\"justifications\":").append(justifications(found));
            } catch (TimeoutException e) {
                future.cancel(true);
                out.append(",\"timed_out\":true,\"justifications\":[]");
            }
            System.out.println(out.append("}"));
            System.out.flush();
        }
    }

    /**
     * Up to {@code max} justifications of {@code cls} being unsatisfiable, searched in its STAR
     * locality module: a module keeps every justification of its signature and is far smaller than
     * the ontology, so each of the many reasoner runs of the black-box search is quick.
     */
    private static Set<Set<OWLAxiom>> justificationsOf(OWLClass cls, SyntacticLocalityModuleExtractor extractor,
                                                       OWLReasonerFactory factory, int max) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntology module = manager.createOntology(extractor.extract(Collections.<OWLEntity>singleton(cls)));
        OWLReasoner reasoner = factory.createReasoner(module);
        try {
            return new HSTExplanationGenerator(new BlackBoxExplanation(module, factory, reasoner)).getExplanations(cls, max);
        } finally {
            reasoner.dispose();
        }
    }

    private static String justifications(Set<Set<OWLAxiom>> found) {
        List<String> sets = new ArrayList<String>();
        for (Set<OWLAxiom> justification : found) {
            List<String> axioms = new ArrayList<String>();
            for (OWLAxiom axiom : new TreeSet<OWLAxiom>(justification)) {
                Set<OWLClass> left = new TreeSet<OWLClass>();
                if (axiom.getAxiomType() == AxiomType.SUBCLASS_OF) {
                    OWLClassExpression sub = ((OWLSubClassOfAxiom) axiom).getSubClass();
                    if (!sub.isAnonymous()) left.add(sub.asOWLClass());
                } else if (axiom.getAxiomType() == AxiomType.EQUIVALENT_CLASSES) {
                    left.addAll(((OWLEquivalentClassesAxiom) axiom).getNamedClasses());
                }
                axioms.add("{\"axiom\":" + json(axiom.toString()) + ",\"type\":" + json(axiom.getAxiomType().getName())
                    + ",\"left\":" + iris(left) + ",\"classes\":" + iris(axiom.getClassesInSignature()) + "}");
            }
            sets.add("[" + String.join(",", axioms) + "]");
        }
        return "[" + String.join(",", sets) + "]";
    }

    private static String iris(Set<OWLClass> classes) {
        List<String> out = new ArrayList<String>();
        for (OWLClass c : new TreeSet<OWLClass>(classes)) out.add(json(c.getIRI().toString()));
        return "[" + String.join(",", out) + "]";
    }

    private static String json(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
