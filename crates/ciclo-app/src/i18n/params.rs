//! Texts about the model families and their parameters: names for people and one line per parameter
//! that says what it does, in Spanish and English. Parameter names themselves (`max_depth`, `C`) stay as
//! scikit-learn and XGBoost spell them, since that is what the report and MLflow show.

use ciclo_core::ml::ModelKind;

use super::Lang;

/// The family's name for people.
pub fn family(kind: ModelKind, lang: Lang) -> &'static str {
    let (es, en) = match kind {
        ModelKind::LogisticRegression => ("regresión logística", "logistic regression"),
        ModelKind::DecisionTree => ("árbol de decisión", "decision tree"),
        ModelKind::RandomForest => ("bosque aleatorio", "random forest"),
        ModelKind::GradientBoosting => ("gradient boosting", "gradient boosting"),
    };
    pick(lang, es, en)
}

/// One sentence on what the family is, for the picker.
pub fn family_help(kind: ModelKind, lang: Lang) -> &'static str {
    let (es, en) = match kind {
        ModelKind::LogisticRegression => (
            "Un modelo lineal: rápido, interpretable, la referencia con la que comparar (scikit-learn LogisticRegression).",
            "A linear model: fast, interpretable, the baseline to compare with (scikit-learn LogisticRegression).",
        ),
        ModelKind::DecisionTree => (
            "Preguntas sí/no sobre las columnas; se puede dibujar entero, pero sobreajusta si crece sin límite.",
            "Yes/no questions on the columns; it can be drawn whole, but overfits when grown without limit.",
        ),
        ModelKind::RandomForest => (
            "Muchos árboles sobre muestras distintas, promediados: el modelo que el informe ajusta con su grid search.",
            "Many trees on different samples, averaged: the model the report tunes with its grid search.",
        ),
        ModelKind::GradientBoosting => (
            "Árboles pequeños en serie, cada uno corrige al anterior, con histogramas como XGBoost `hist`.",
            "Small trees in sequence, each correcting the last, with histograms as XGBoost `hist` does.",
        ),
    };
    pick(lang, es, en)
}

/// "Entrenar bosque aleatorio" / "Train random forest".
pub fn train_button(kind: ModelKind, lang: Lang) -> String {
    match lang {
        Lang::Es => format!("Entrenar {}", family(kind, lang)),
        Lang::En => format!("Train {}", family(kind, lang)),
    }
}

/// What parameter `name` does, in one line (empty for a name this page does not know).
pub fn param_help(name: &str, lang: Lang) -> &'static str {
    let (es, en) = match name {
        "C" => (
            "Inversa de la fuerza de regularización L2, como en scikit-learn: menor C, coeficientes más pequeños.",
            "Inverse of the L2 regularization strength, as in scikit-learn: smaller C, smaller coefficients.",
        ),
        "max_iter" => (
            "Máximo de iteraciones del optimizador L-BFGS.",
            "Most iterations of the L-BFGS optimizer.",
        ),
        "tol" => (
            "El optimizador para cuando el gradiente baja de esta tolerancia.",
            "The optimizer stops when the gradient falls below this tolerance.",
        ),
        "max_depth" => (
            "Profundidad máxima de cada árbol; «None» los deja crecer hasta separar las clases.",
            "Deepest level of each tree; “None” lets them grow until the classes are separated.",
        ),
        "min_samples_split" => (
            "Filas mínimas en un nodo para poder partirlo: más alto, árboles más simples.",
            "Fewest rows a node needs to be split: higher means simpler trees.",
        ),
        "min_samples_leaf" => (
            "Filas mínimas en cada hoja.",
            "Fewest rows in each leaf.",
        ),
        "max_features" => (
            "Columnas candidatas en cada partición: «sqrt», «log2», «None» (todas), un número o una fracción.",
            "Columns tried at each split: “sqrt”, “log2”, “None” (all), a count or a fraction.",
        ),
        "max_bins" => (
            "Intervalos del histograma de cada columna numérica (2 a 255); en el árbol, «None» usa los umbrales exactos.",
            "Histogram bins per numeric column (2 to 255); for the tree, “None” uses exact thresholds.",
        ),
        "n_estimators" => (
            "Número de árboles (bosque) o de rondas (boosting).",
            "Number of trees (forest) or rounds (boosting).",
        ),
        "bootstrap" => (
            "«True»: cada árbol ve una muestra con reemplazo de las filas; «False»: todas.",
            "“True”: each tree sees a sample of the rows drawn with replacement; “False”: all of them.",
        ),
        "learning_rate" => (
            "Cuánto corrige cada ronda: más bajo, más rondas pero mejor generalización.",
            "How much each round corrects: lower needs more rounds but generalizes better.",
        ),
        "min_child_weight" => (
            "Peso (hessiano) mínimo en una hoja, como en XGBoost: frena particiones con pocos datos.",
            "Least weight (hessian) in a leaf, as in XGBoost: stops splits on little data.",
        ),
        "reg_lambda" => (
            "Regularización L2 de los valores de las hojas (lambda de XGBoost).",
            "L2 regularization of the leaf values (XGBoost's lambda).",
        ),
        "subsample" => (
            "Fracción de filas que ve cada ronda.",
            "Share of rows each round sees.",
        ),
        "colsample_bytree" => (
            "Fracción de columnas que ve cada árbol.",
            "Share of columns each tree sees.",
        ),
        "early_stopping_rounds" => (
            "Para si la pérdida de validación no mejora en tantas rondas; «None» no para.",
            "Stops when the validation loss has not improved for this many rounds; “None” never stops.",
        ),
        "validation_fraction" => (
            "Fracción de las filas de entrenamiento apartada para la pérdida de validación.",
            "Share of the training rows held out for the validation loss.",
        ),
        _ => ("", ""),
    };
    pick(lang, es, en)
}

fn pick(lang: Lang, es: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Es => es,
        Lang::En => en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_parameter_of_every_family_is_explained_in_both_languages() {
        for kind in ModelKind::ALL {
            for name in kind.param_names() {
                for lang in [Lang::Es, Lang::En] {
                    assert!(!param_help(name, lang).is_empty(), "{kind:?} {name} {lang:?}");
                }
            }
            assert_ne!(family(kind, Lang::Es), "");
            assert_ne!(family_help(kind, Lang::En), family_help(kind, Lang::Es));
        }
        assert_eq!(train_button(ModelKind::LogisticRegression, Lang::Es), "Entrenar regresión logística");
    }
}
