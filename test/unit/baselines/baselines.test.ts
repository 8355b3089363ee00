import { execFileSync, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { baselinesFor, countParams, kerasModelJson, kerasScript, layersFor, REFERENCE_MODEL_DEFS, settingsWithinBudget, starterFile, starterFiles } from "@/lib/baselines";
import { DEFAULT_TRAINING_BUDGET } from "@/lib/competitions/defaults";
import { buildModelFromArchitecture } from "@/lib/models";
import { checkSubmissionFiles } from "@/lib/submissions/check-files";

const hasPython = spawnSync("python3", ["--version"]).status === 0;
const competition = (datasetId: string, budget: Record<string, number> = {}) => ({
  slug: `demo-${datasetId}`,
  datasetId,
  trainingBudget: { ...DEFAULT_TRAINING_BUDGET, ...budget },
  resourceLimits: {},
  testSet: null,
});

describe("reference models (one definition: Keras JSON, TF.js, parameter count)", () => {
  for (const def of REFERENCE_MODEL_DEFS) {
    it(`${def.name}: the Keras JSON builds with the platform's loader, with the counted parameters`, () => {
      const model = buildModelFromArchitecture(kerasModelJson(def, def.inputShape, def.numClasses));
      try {
        expect(model.inputs[0].shape).toEqual([null, ...def.inputShape]);
        expect(model.outputs[0].shape).toEqual([null, def.numClasses]);
        expect(model.countParams()).toBe(countParams(def, def.inputShape, def.numClasses));
        // Every layer of the definition is in the model, in order (TF.js's class names).
        const classes = model.layers.map((layer) => layer.getClassName()).filter((name) => name !== "InputLayer");
        const expected = layersFor(def, def.numClasses).map((layer) => ({ flatten: "Flatten", dense: "Dense", dropout: "Dropout", conv2d: "Conv2D", maxPooling2d: "MaxPooling2D", batchNormalization: "BatchNormalization" })[layer.kind]);
        expect(classes).toEqual(expected);
      } finally {
        model.dispose();
      }
    });
  }

  it("the lecture's sizes: the MLP has 932,362 parameters, LeNet-5 61,706 (Keras's model.summary())", () => {
    const [mlp, lenet] = REFERENCE_MODEL_DEFS;
    expect(countParams(mlp, [28, 28, 1], 10)).toBe(932_362);
    expect(countParams(lenet, [28, 28, 1], 10)).toBe(61_706);
  });
});

describe("baselines offered per competition", () => {
  it("MNIST-like data: MLP and CNN; CIFAR-10: CNN and CNN + augmentation (augmentation on only there)", () => {
    expect(baselinesFor({ shape: [28, 28, 1], numClasses: 10 }).map((b) => [b.id, b.label, b.model.name])).toEqual([
      ["mlp", "MLP", "mnist-mlp"],
      ["cnn", "CNN", "lenet5"],
    ]);
    const cifar = baselinesFor({ shape: [32, 32, 3], numClasses: 10 });
    expect(cifar.map((b) => [b.id, b.label, b.model.name])).toEqual([
      ["cnn", "CNN", "cifar-cnn"],
      ["cnn-augmented", "CNN + augmentation", "cifar-cnn"],
    ]);
    expect(cifar[0].settings.augmentation.horizontalFlip).toBe(false);
    expect(cifar[1].settings.augmentation).toMatchObject({ horizontalFlip: true, widthShift: 0.1, heightShift: 0.1 });
    expect(baselinesFor({ shape: [64, 64, 3], numClasses: 10 })).toEqual([]);
  });

  it("epochs are capped by the competition's budget", () => {
    const [mlp] = baselinesFor({ shape: [28, 28, 1], numClasses: 10 });
    expect(settingsWithinBudget(mlp, { maxEpochs: 2 }).epochs).toBe(2);
    expect(settingsWithinBudget(mlp, { maxEpochs: 50 }).epochs).toBe(mlp.settings.epochs);
  });

  for (const datasetId of ["mnist", "cifar10"]) {
    it(`${datasetId}: every starter JSON passes the upload check of a definition, with the baseline's settings`, { timeout: 60_000 }, async () => {
      const files = starterFiles(competition(datasetId));
      expect(files.length).toBe(2);
      for (const file of files) {
        const json = starterFile(competition(datasetId), file.json);
        const def = baselinesFor({ shape: datasetId === "mnist" ? [28, 28, 1] : [32, 32, 3], numClasses: 10 }).find((b) => b.id === file.baselineId)!;
        const check = await checkSubmissionFiles({
          files: [{ name: json.fileName, data: new TextEncoder().encode(json.body) }],
          kind: "DEFINITION",
          preprocessing: null,
          competition: competition(datasetId),
          trainingSettings: def.settings,
        });
        expect(check.ok, JSON.stringify(check)).toBe(true);
      }
    });
  }

  it("unknown starter names are a 404 that lists the files there are", () => {
    expect(() => starterFile(competition("mnist"), "resnet.py")).toThrow(/There are: mlp.json, mlp.py, cnn.json, cnn.py/);
    expect(() => starterFile(competition("mnist"), "../mlp.py")).toThrow(/No starter file/);
  });
});

describe("starter Keras scripts", () => {
  it("build the same layers as the JSON, with the budget's epochs, and save model.keras and history.json", () => {
    const script = starterFile(competition("mnist", { maxEpochs: 3 }), "cnn.py").body;
    expect(script).toContain("keras.datasets.mnist.load_data()");
    expect(script).toContain("keras.Input(shape=(28, 28, 1))");
    expect(script).toContain('layers.Conv2D(6, 5, padding="same", activation="relu")');
    expect(script).toContain('layers.Dense(10, activation="softmax")');
    expect(script).toContain("epochs=3");
    expect(script).toContain('model.save("model.keras")');
    expect(script).toContain("history.json");
    expect(script).not.toContain("augment");
  });

  it("the augmented CIFAR-10 baseline augments training batches only, with Keras preprocessing layers", () => {
    const script = starterFile(competition("cifar10"), "cnn-augmented.py").body;
    expect(script).toContain("keras.datasets.cifar10.load_data()");
    expect(script).toContain('layers.RandomFlip("horizontal")');
    expect(script).toContain("layers.RandomTranslation(0.1, 0.1)");
    expect(script).toContain("augment(x, training=True)");
    expect(script).toContain("validation_data=(x_val, y_val)");
  });

  it.skipIf(!hasPython)("every script is valid Python (one python3 parses them all)", () => {
    const scripts: string[] = [];
    for (const datasetId of ["mnist", "fashion-mnist", "cifar10"]) {
      for (const file of starterFiles(competition(datasetId))) scripts.push(starterFile(competition(datasetId), file.py).body);
    }
    const [mlp] = baselinesFor({ shape: [28, 28, 1], numClasses: 10 });
    const withEverything = kerasScript(mlp, {
      competitionSlug: "x",
      datasetId: "mnist",
      shape: [28, 28, 1],
      numClasses: 10,
      settings: { ...mlp.settings, earlyStoppingPatience: 3, augmentation: { ...mlp.settings.augmentation, rotationDegrees: 15, widthShift: 0.1, zoom: 0.1, cropPadding: 2 } },
    });
    expect(withEverything).toContain("EarlyStopping(patience=3, restore_best_weights=True)");
    expect(withEverything).toContain("layers.RandomCrop(28, 28)");
    scripts.push(withEverything);
    const parsed = execFileSync("python3", ["-c", "import ast, json, sys\nfor s in json.load(sys.stdin): ast.parse(s)\nprint('parsed')"], { input: JSON.stringify(scripts) }).toString();
    expect(parsed.trim()).toBe("parsed");
    expect(scripts.length).toBe(7);
  });
});
