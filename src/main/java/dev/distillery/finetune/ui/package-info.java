/** Views of fine-tuning exports: the "Export training data" dialog the run page opens. */
@NullMarked
package dev.distillery.finetune.ui;

import org.jspecify.annotations.NullMarked;
