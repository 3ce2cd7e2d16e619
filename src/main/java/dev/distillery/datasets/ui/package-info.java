/** Views of datasets: the list with uploads (drag and drop, progress, mapping preview) and a dataset's versions and items. */
@NullMarked
package dev.distillery.datasets.ui;

import org.jspecify.annotations.NullMarked;
