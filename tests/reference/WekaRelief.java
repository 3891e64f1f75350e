// Prints Weka's ReliefFAttributeEval weight of every attribute of a CSV table (the class is
// the last column), at full precision: java WekaRelief TABLE.csv [ReliefF options...]
import java.io.File;
import java.util.Arrays;

import weka.attributeSelection.ReliefFAttributeEval;
import weka.core.Instances;
import weka.core.converters.CSVLoader;

public class WekaRelief {
    public static void main(String[] args) throws Exception {
        CSVLoader loader = new CSVLoader();
        loader.setSource(new File(args[0]));
        Instances data = loader.getDataSet();
        data.setClassIndex(data.numAttributes() - 1);
        ReliefFAttributeEval relief = new ReliefFAttributeEval();
        relief.setOptions(Arrays.copyOfRange(args, 1, args.length));
        relief.buildEvaluator(data);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < data.numAttributes() - 1; i++)
            out.append(i > 0 ? " " : "").append(relief.evaluateAttribute(i));
        System.out.println(out);
    }
}
